import { ArgumentValidator } from './validate-arguments';

const schema = {
  type: 'object',
  properties: {
    item: { type: 'string' },
    quantity: { type: 'integer', minimum: 1 },
    when: { type: 'string', format: 'date-time' },
  },
  required: ['item'],
  additionalProperties: false,
};

describe('ArgumentValidator', () => {
  const validator = new ArgumentValidator();

  it('accepts valid arguments and returns them parsed', () => {
    expect(validator.check(schema, '{"item":"tea","quantity":2}')).toEqual({
      valid: true,
      input: { item: 'tea', quantity: 2 },
    });
  });

  it('treats empty arguments as an empty object', () => {
    expect(validator.check({ type: 'object' }, '')).toEqual({ valid: true, input: {} });
  });

  it('reports every problem with its path', () => {
    const check = validator.check(schema, '{"quantity":0,"extra":true,"when":"tomorrow"}');
    expect(check.valid).toBe(false);
    if (check.valid) return;
    expect(check.issues).toEqual(
      expect.arrayContaining([
        { path: '/item', message: 'is required' },
        { path: '/extra', message: 'is not an allowed property' },
        { path: '/quantity', message: 'must be >= 1' },
        { path: '/when', message: 'must match format "date-time"' },
      ]),
    );
  });

  it('refuses text that is not a JSON object', () => {
    expect(validator.check(schema, '{"item":')).toEqual({
      valid: false,
      issues: [{ path: '', message: 'arguments are not valid JSON' }],
    });
    expect(validator.check(schema, '["tea"]')).toEqual({
      valid: false,
      issues: [{ path: '', message: 'arguments must be a JSON object' }],
    });
  });

  it('validates draft-07 schemas that declare their dialect', () => {
    const draft07 = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', required: ['q'] };
    expect(validator.check(draft07, '{}').valid).toBe(false);
    expect(validator.check(draft07, '{"q":1}').valid).toBe(true);
  });

  it('keeps a bounded cache of compiled validators', () => {
    const small = new ArgumentValidator(undefined, 2);
    for (let i = 0; i < 5; i++) {
      const check = small.check({ type: 'object', required: [`k${i}`] }, `{"k${i}":1}`);
      expect(check.valid).toBe(true);
    }
    expect(small.check({ type: 'object', required: ['k0'] }, '{}').valid).toBe(false);
  });
});
