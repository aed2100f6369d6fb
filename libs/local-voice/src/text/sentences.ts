/**
 * Splits text into sentences for streaming synthesis, so the first audio is ready after the first sentence
 * rather than after the whole input. Splits after `.`, `!`, `?`, `;` or a line break followed by
 * whitespace (not before a lower-case word), keeps common abbreviations ("Mr.", "e.g.") and decimals together, and cuts sentences longer
 * than `maxChars` at the last comma or space before the limit. Never returns empty pieces.
 */
export function splitSentences(text: string, maxChars = 400): string[] {
  const pieces: string[] = [];
  const boundary = /([.!?;]+["')\]]*)\s+|\n\s*/g;
  let start = 0;
  for (let match = boundary.exec(text); match !== null; match = boundary.exec(text)) {
    const end = match.index + (match[1]?.length ?? 0);
    if (match[1] !== undefined && isAbbreviation(text.slice(start, end))) continue;
    // "p.m. today": a sentence does not start in lower case.
    if (match[1] !== undefined && /^\p{Ll}/u.test(text.slice(match.index + match[0].length))) continue;
    pieces.push(text.slice(start, end));
    start = match.index + match[0].length;
  }
  pieces.push(text.slice(start));
  return pieces.flatMap((piece) => cutLong(piece.trim(), maxChars)).filter((piece) => /[\p{L}\p{N}]/u.test(piece));
}

const ABBREVIATION = /(?:^|\s)(?:mr|mrs|ms|dr|prof|st|jr|sr|vs|etc|e\.g|i\.e|no|approx)\.$/i;

function isAbbreviation(sentence: string): boolean {
  return ABBREVIATION.test(sentence) || /(?:^|\s)\p{Lu}\.$/u.test(sentence);
}

function cutLong(sentence: string, maxChars: number): string[] {
  const pieces: string[] = [];
  let rest = sentence;
  while (rest.length > maxChars) {
    const window = rest.slice(0, maxChars);
    const comma = window.lastIndexOf(', ');
    const space = window.lastIndexOf(' ');
    const cut = comma > maxChars / 2 ? comma + 1 : space > 0 ? space : maxChars;
    pieces.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest.length > 0) pieces.push(rest);
  return pieces;
}
