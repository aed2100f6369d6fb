/** A word of a text, where it is, and the index term it stands for. */
export interface TextToken {
  readonly term: string;
  readonly start: number;
  readonly end: number;
}

// Short English function words: they match everything and rank nothing.
const STOPWORDS = new Set(
  'a an and are as at be but by for from has have he her his i if in into is it its me my no not of on or our she so than that the their them then there these they this to was we were what when where which who will with you your'.split(
    ' ',
  ),
);

/**
 * Splits text into index terms with their offsets: runs of letters and digits (any script), lower-cased,
 * accents folded (`Café` → `cafe`), English stop words dropped, then lightly stemmed so `bookings`,
 * `booking` and `booked` meet at `book`.
 */
export function tokenize(text: string): TextToken[] {
  const tokens: TextToken[] = [];
  for (const match of text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu)) {
    const folded = match[0].normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    if (folded === '' || STOPWORDS.has(folded)) continue;
    tokens.push({ term: stem(folded), start: match.index, end: match.index + match[0].length });
  }
  return tokens;
}

/** Index terms of a query, each once. */
export function queryTerms(text: string): string[] {
  return [...new Set(tokenize(text).map((token) => token.term))];
}

/** A light suffix stripper (plural, -ing, -ed): far short of Porter, but predictable. */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  const singular = plural(word);
  if (singular.endsWith('ing') && singular.length > 5) return undouble(singular.slice(0, -3));
  if (singular.endsWith('ed') && singular.length > 4) return undouble(singular.slice(0, -2));
  return singular;
}

function plural(word: string): string {
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (/(?:ss|us|is)$/.test(word)) return word;
  if (/(?:ches|shes|xes|zes)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

function undouble(word: string): string {
  const last = word.at(-1);
  return last !== undefined && word.at(-2) === last && !'lsz'.includes(last) ? word.slice(0, -1) : word;
}

/**
 * The passage of `text` (about `width` characters, cut at word boundaries) holding the most distinct
 * query terms, with `…` where it was cut.
 */
export function snippetOf(text: string, terms: readonly string[], width = 200): string {
  const wanted = new Set(terms);
  const hits = tokenize(text).filter((token) => wanted.has(token.term));
  if (text.length <= width) return text.trim();
  let bestStart = 0;
  let bestScore = -1;
  for (const hit of hits) {
    const inWindow = new Set(
      hits.filter((other) => other.start >= hit.start && other.end <= hit.start + width).map((other) => other.term),
    );
    if (inWindow.size > bestScore) {
      bestScore = inWindow.size;
      bestStart = hit.start;
    }
  }
  // Start a little before the first hit, at a word boundary.
  let start = Math.max(0, bestStart - 30);
  if (start > 0) {
    const space = text.lastIndexOf(' ', bestStart);
    start = space >= start ? space + 1 : start;
  }
  let end = Math.min(text.length, start + width);
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > start + width / 2) end = space;
  }
  return `${start > 0 ? '…' : ''}${text.slice(start, end).trim()}${end < text.length ? '…' : ''}`;
}
