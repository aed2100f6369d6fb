import OpenAI from 'openai';
import { useRelayEnv } from './support/e2e-env';
import { SNAPSHOT } from './support/relay-config';

describe('upstream timeouts', () => {
  const env = useRelayEnv({ timeoutMs: 400, maxRetries: 0 });

  it('answers 504 upstream_timeout when the provider does not answer in time, and cancels the call', async () => {
    const { client, upstream } = env();
    upstream.enqueue({ kind: 'delay', ms: 5_000 });
    const error = await client.chat.completions
      .create({ model: SNAPSHOT, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('upstream_timeout');
    const aborted = await upstream.waitForAbort(-1, 3_000);
    expect(aborted.aborted).toBe(true);
  });

  it('applies the timeout to the first byte of a stream only', async () => {
    const { client, upstream } = env();
    upstream.chunkDelayMs = 150; // the whole stream takes far longer than 400 ms, each gap does not
    try {
      const stream = await client.chat.completions.create({
        model: SNAPSHOT,
        modalities: ['text', 'audio'],
        audio: { voice: 'alloy', format: 'pcm16' },
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      });
      let chunks = 0;
      for await (const _chunk of stream) chunks++;
      expect(chunks).toBeGreaterThan(5);
    } finally {
      upstream.chunkDelayMs = 0;
    }
  });
});
