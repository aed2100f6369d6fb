/**
 * Cuts streamed text into sentences as it arrives, so each can be spoken as soon as it is complete.
 *
 * A sentence ends at `.`, `!`, `?` or `;` (with closing quotes or brackets) followed by whitespace, or at a
 * line break — the same rules as `splitSentences` of `@voxgate/local-voice` — but a boundary is only taken
 * once the first character after the whitespace has arrived, because that character decides it: "p.m. today"
 * (a lower-case word follows) is one sentence. Common abbreviations ("Dr.", "e.g."), initials ("J. Smith"),
 * list numbers ("1. Apples") and decimals ("3.14", no whitespace) never end one.
 */
export class SentenceStream {
  private buffer = '';

  /** Adds text; returns the sentences it completed (trimmed, never empty), in order. */
  push(text: string): string[] {
    this.buffer += text;
    const sentences: string[] = [];
    const boundary = /([.!?;]+["')\]]*)\s+|\n\s*/g;
    let start = 0;
    for (let match = boundary.exec(this.buffer); match !== null; match = boundary.exec(this.buffer)) {
      const after = match.index + match[0].length;
      if (after >= this.buffer.length) break; // the next character is not here yet
      if (match[1] !== undefined) {
        const sentence = this.buffer.slice(start, match.index + match[1].length);
        if (notAnEnd(sentence) || /^\p{Ll}/u.test(this.buffer.slice(after))) continue;
      }
      const sentence = this.buffer.slice(start, match.index + (match[1]?.length ?? 0)).trim();
      if (hasWords(sentence)) sentences.push(sentence);
      start = after;
    }
    this.buffer = this.buffer.slice(start);
    return sentences;
  }

  /** The text after the last complete sentence (once the stream ended); empty when nothing is left. */
  end(): string[] {
    const rest = this.buffer.trim();
    this.buffer = '';
    return hasWords(rest) ? [rest] : [];
  }
}

const ABBREVIATION = /(?:^|\s)(?:mr|mrs|ms|dr|prof|st|jr|sr|vs|etc|e\.g|i\.e|no|approx|fig|inc|ltd)\.$/i;

function notAnEnd(sentence: string): boolean {
  return ABBREVIATION.test(sentence) || /(?:^|\s)\p{Lu}\.$/u.test(sentence) || /^\s*\d+\.$/.test(sentence);
}

function hasWords(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}
