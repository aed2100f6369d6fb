import { OpenApiValidator } from './openapi-validator';

const validator = new OpenApiValidator();

/** A chunk shaped like the captures in openai-contract.md §3.2. */
function chunk(
  delta: Record<string, unknown>,
  extra: Record<string, unknown> = { finish_reason: null },
): Record<string, unknown> {
  return {
    id: 'chatcmpl-AKTisMkErFxmr5c3wz1p88sWVxa0T',
    object: 'chat.completion.chunk',
    created: 1729444178,
    model: 'gpt-4o-audio-preview-2024-10-01',
    system_fingerprint: 'fp_4eafc16e9d',
    choices: [{ index: 0, delta, ...extra }],
    usage: null,
  };
}

describe('OpenApiValidator.validateStreamChunk', () => {
  it('accepts the captured role, transcript and data chunks', () => {
    validator.assertValidStreamChunk(chunk({ role: 'assistant', refusal: null }));
    validator.assertValidStreamChunk(chunk({ content: null, audio: { id: 'audio_6715', transcript: 'Hi' } }));
    validator.assertValidStreamChunk(
      chunk({ role: 'assistant', content: null, refusal: null, audio: { id: 'audio_6715', data: 'CAAIAAkA' } }),
    );
  });

  it('rejects unknown keys and wrong types inside delta.audio', () => {
    const result = validator.validateStreamChunk(
      chunk({ audio: { data: 'CAAI', format: 'pcm16', expires_at: '1730768595' } }),
    );
    expect(result.errors).toEqual([
      "/choices/0/delta/audio must NOT have additional properties ('format')",
      '/choices/0/delta/audio/expires_at must be integer',
    ]);
  });

  it('rejects audio data that is not base64, or that splits a 16-bit sample', () => {
    expect(validator.validateStreamChunk(chunk({ audio: { data: 'not base64!' } })).errors[0]).toMatch(
      /^\/choices\/0\/delta\/audio\/data must match pattern/,
    );
    expect(validator.validateStreamChunk(chunk({ audio: { data: 'AAAA' } })).errors).toEqual([
      '/choices/0/delta/audio/data must decode to an even number of bytes (whole pcm16 samples)',
    ]);
  });

  it('rejects a delta.audio that is not an object', () => {
    expect(validator.validateStreamChunk(chunk({ audio: 'AAAA' })).errors).toEqual([
      '/choices/0/delta/audio must be object',
    ]);
  });

  it('still checks the rest of the chunk against the spec', () => {
    const result = validator.validateStreamChunk({ ...chunk({ audio: { data: 'AAAA' } }), object: 'chat.completion' });
    expect(result.errors).toContain('/object must be equal to one of the allowed values (["chat.completion.chunk"])');
  });

  it('does not modify the chunk it validates', () => {
    const value = chunk({ audio: { transcript: 'Hi' } });
    const before = structuredClone(value);
    validator.validateStreamChunk(value, { allowMissingFinishReason: true });
    expect(value).toEqual(before);
  });

  it('flags the final expires_at delta without finish_reason unless told to allow it', () => {
    const marker = chunk({ audio: { expires_at: 1730768595 } }, {});
    expect(validator.validateStreamChunk(marker).errors).toEqual([
      "/choices/0 must have required property 'finish_reason'",
    ]);
    expect(validator.validateStreamChunk(marker, { allowMissingFinishReason: true }).valid).toBe(true);
  });

  it('accepts the usage chunk with empty choices', () => {
    const usage = { prompt_tokens: 22, completion_tokens: 63, total_tokens: 85 };
    validator.assertValidStreamChunk({ ...chunk({}), choices: [], usage });
  });
});
