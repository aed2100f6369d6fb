/**
 * Normalises a transcript for scoring: lower case, digits and letters only (apostrophes inside words
 * kept), hyphens and punctuation as spaces. Numbers are not spelled out, so references should be written
 * the way the recogniser speaks ("fourteen fifty five").
 */
export function normalizeWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}'\s]+/gu, ' ')
    .replace(/(^|\s)'|'(?=\s|$)/g, ' ')
    .split(/\s+/)
    .filter((word) => word.length > 0);
}

/** Word-level edit distance (substitutions + deletions + insertions) between reference and hypothesis. */
export function wordErrors(reference: readonly string[], hypothesis: readonly string[]): number {
  let previous = Array.from({ length: hypothesis.length + 1 }, (_, index) => index);
  for (let row = 1; row <= reference.length; row++) {
    const current = [row];
    for (let column = 1; column <= hypothesis.length; column++) {
      const substitution = (previous[column - 1] ?? 0) + (reference[row - 1] === hypothesis[column - 1] ? 0 : 1);
      current.push(Math.min(substitution, (previous[column] ?? 0) + 1, (current[column - 1] ?? 0) + 1));
    }
    previous = current;
  }
  return previous[hypothesis.length] ?? 0;
}

/**
 * Word error rate of one or more (reference, hypothesis) pairs: total edits over total reference words
 * (the usual corpus-level WER, not a mean of per-utterance rates). 0 is perfect; can exceed 1.
 */
export function wordErrorRate(pairs: ReadonlyArray<{ reference: string; hypothesis: string }>): number {
  let errors = 0;
  let words = 0;
  for (const { reference, hypothesis } of pairs) {
    const expected = normalizeWords(reference);
    errors += wordErrors(expected, normalizeWords(hypothesis));
    words += expected.length;
  }
  return words === 0 ? 0 : errors / words;
}
