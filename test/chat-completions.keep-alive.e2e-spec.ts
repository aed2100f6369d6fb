import { APIError } from 'openai';
import { useRelayEnv } from './support/e2e-env';
import { SNAPSHOT } from './support/relay-config';

/**
 * Keep-alive comments keep a thinking stream open, but never a dead one: past `server.sseMaxSilenceMs`
 * without progress the stream ends with an in-band `stream_timeout` the SDK raises, and the upstream call
 * is cancelled. (Provider idle timeouts, which end a stall sooner, are tested with the providers.)
 */
describe('POST /v1/chat/completions, streaming with a stalled upstream', () => {
  const env = useRelayEnv({}, { server: { sseKeepAliveMs: 100, sseMaxSilenceMs: 1_000 } });

  it('ends the stream with an in-band stream_timeout instead of keeping it alive for ever', async () => {
    const { client, upstream } = env();
    upstream.enqueue({ kind: 'stall', afterChunks: 2 });
    const stream = await client.chat.completions.create({
      model: SNAPSHOT,
      messages: [{ role: 'user', content: 'Hello' }],
      stream: true,
    });
    const received: unknown[] = [];
    const error = await (async () => {
      for await (const chunk of stream) received.push(chunk);
    })().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ code: 'stream_timeout', type: 'server_error' });
    expect(received).toHaveLength(2);
    expect(await upstream.waitForAbort()).toMatchObject({ answeredBy: 'stall', aborted: true });
  });
});
