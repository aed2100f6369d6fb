import { parseExposition, sampleValue } from './exposition.parser';

describe('parseExposition', () => {
  it('reads families, unescapes label values and HELP, and parses Go floats', () => {
    const families = parseExposition(
      [
        '# HELP a_total Help with \\\\ and \\n.',
        '# TYPE a_total counter',
        'a_total{x="q\\"\\\\\\n",y=""} 1.5e3',
        '# TYPE h histogram',
        'h_bucket{le="+Inf"} 2',
        'h_sum 0.3',
        'h_count 2',
        '# TYPE g gauge',
        'g +Inf',
        'g{k="n"} NaN',
        '',
      ].join('\n'),
    );
    expect(families.get('a_total')?.help).toBe('Help with \\ and \n.');
    expect(sampleValue(families, 'a_total', { x: 'q"\\\n', y: '' })).toBe(1500);
    expect(sampleValue(families, 'h_count')).toBe(2);
    expect(sampleValue(families, 'g')).toBe(Infinity);
    expect(sampleValue(families, 'g', { k: 'n' })).toBeNaN();
  });

  it.each([
    ['no trailing line feed', '# TYPE a gauge\na 1'],
    ['a sample without its TYPE', 'a 1\n'],
    ['a sample of another family', '# TYPE a gauge\nb 1\n'],
    ['an unquoted label value', '# TYPE a gauge\na{x=1} 1\n'],
    ['an unterminated label value', '# TYPE a gauge\na{x="1} 1\n'],
    ['an unknown escape', '# TYPE a gauge\na{x="\\t"} 1\n'],
    ['a raw line feed in a value', '# TYPE a gauge\na{x="1\n"} 1\n'],
    ['a bad number', '# TYPE a gauge\na 1,5\n'],
    ['a family declared twice', '# TYPE a gauge\n# TYPE a gauge\n'],
    ['a label twice', '# TYPE a gauge\na{x="1",x="2"} 1\n'],
  ])('rejects %s', (_case, text) => {
    expect(() => parseExposition(text)).toThrow();
  });

  it('refuses to pick one of two identical series', () => {
    const families = parseExposition('# TYPE a gauge\na{x="1"} 1\na{x="1"} 2\n');
    expect(() => sampleValue(families, 'a', { x: '1' })).toThrow('duplicate series');
  });
});
