import { GgufTextModelSchema } from './gguf-text-model.schema';

describe('GgufTextModelSchema (textModel: { type: gguf })', () => {
  it('fills the defaults and coerces numbers from YAML/env strings', () => {
    expect(GgufTextModelSchema.parse({ type: 'gguf', path: 'models/x.gguf', threads: '2' })).toEqual({
      type: 'gguf',
      path: 'models/x.gguf',
      contextSize: 4096,
      threads: 2,
      parallel: 1,
      gpu: false,
    });
    expect(GgufTextModelSchema.parse({ type: 'gguf', uri: 'hf:user/repo/sub/model-Q4_K_M.gguf' }).uri).toBe(
      'hf:user/repo/sub/model-Q4_K_M.gguf',
    );
    expect(GgufTextModelSchema.parse({ type: 'gguf', uri: 'https://example.com/m.gguf' }).uri).toBeDefined();
  });

  it.each([
    [{ type: 'gguf' }, 'set exactly one of path and uri'],
    [{ type: 'gguf', path: 'a.gguf', uri: 'hf:u/r/a.gguf' }, 'set exactly one of path and uri'],
    [{ type: 'gguf', uri: 'http://example.com/m.gguf' }, 'must be hf:'],
    [{ type: 'gguf', uri: 'hf:user/model.gguf' }, 'must be hf:'],
    [{ type: 'gguf', path: 'a.gguf', gpu: true }, 'gpu'],
    [{ type: 'gguf', path: 'a.gguf', contextSize: 0 }, 'contextSize'],
    [{ type: 'gguf', path: 'a.gguf', temperature: 1 }, 'temperature'],
  ])('refuses %j', (value, message) => {
    const result = GgufTextModelSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(message);
  });
});
