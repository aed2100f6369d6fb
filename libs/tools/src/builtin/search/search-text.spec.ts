import { queryTerms, snippetOf, stem, tokenize } from './search-text';

describe('search text', () => {
  it('lower-cases, folds accents, drops stop words and keeps offsets', () => {
    expect(tokenize('The Café at Zürich')).toEqual([
      { term: 'cafe', start: 4, end: 8 },
      { term: 'zurich', start: 12, end: 18 },
    ]);
  });

  it('stems plurals, -ing and -ed to one term', () => {
    expect(new Set(['bookings', 'booking', 'booked', 'books'].map(stem))).toEqual(new Set(['book']));
    expect(stem('policies')).toBe('policy');
    expect(stem('running')).toBe('run');
    expect(stem('address')).toBe('address');
    expect(stem('status')).toBe('status');
  });

  it('gives each query term once', () => {
    expect(queryTerms('Refund refunds REFUNDED for the order')).toEqual(['refund', 'order']);
  });

  it('cuts the snippet around the passage holding the most query terms', () => {
    const text = `${'Filler words about nothing. '.repeat(20)}Our refund policy: refunds are paid within 14 days. ${'More filler. '.repeat(20)}`;
    const snippet = snippetOf(text, ['refund', 'day'], 120);
    expect(snippet).toContain('refund policy');
    expect(snippet).toContain('14 days');
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.length).toBeLessThanOrEqual(122);
  });
});
