import { APIError } from 'openai';
import { useRelayEnv } from './support/e2e-env';
import { rawStream } from './support/raw-stream';
import { SNAPSHOT, UPSTREAM_KEY } from './support/relay-config';

const HEADER_SECRET = 'org-header-SECRET-9d2c1b7a';
const BODY = { model: SNAPSHOT, messages: [{ role: 'user' as const, content: 'hi' }] };

/**
 * A provider that echoes what it was sent (its key in `Authorization`, a secret static header) into its
 * error messages, params and codes. None of it may reach a tenant — JSON errors, in-band stream errors —
 * nor the gateway's log, while the log still tells the operator which provider failed and how.
 */
describe('provider secrets never reach a tenant or a log', () => {
  // Every test here makes the provider fail on purpose; its breaker must not start answering for it.
  const env = useRelayEnv({ headers: { 'OpenAI-Organization': HEADER_SECRET }, breaker: { failureThreshold: 1000 } });

  const leaks = (text: string) =>
    [UPSTREAM_KEY, HEADER_SECRET, encodeURIComponent(UPSTREAM_KEY)].filter((secret) => text.includes(secret));

  async function failWith(status: number, times = 1): Promise<{ status: number; text: string }> {
    const { gateway, key, upstream } = env();
    for (let i = 0; i < times; i++) upstream.enqueue({ kind: 'echo', status });
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(BODY),
    });
    return { status: response.status, text: await response.text() };
  }

  it.each([
    [400, 400, 1],
    [422, 422, 1],
    [401, 502, 1],
    [403, 502, 1],
    [404, 502, 1],
    [429, 429, 2],
    [500, 502, 2],
    [503, 502, 2],
  ])('an echoing %i reaches the client as %i without any secret', async (upstreamStatus, clientStatus, times) => {
    const { upstream } = env();
    const answer = await failWith(upstreamStatus, times);
    // The echo really carried the secrets: the test would pass vacuously otherwise.
    expect(JSON.stringify(upstream.lastRequest().headers)).toContain(UPSTREAM_KEY);
    expect(answer.status).toBe(clientStatus);
    const { error } = JSON.parse(answer.text) as { error: Record<string, unknown> };
    expect(Object.keys(error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(leaks(answer.text)).toEqual([]);
  });

  it('keeps the provider’s own words, minus the secrets, for client mistakes', async () => {
    const answer = await failWith(400);
    expect(JSON.parse(answer.text).error.message).toMatch(/^Request rejected\. You sent: .*\[redacted\]/);
  });

  it('redacts an echo that arrives as an in-band error in a stream', async () => {
    const { gateway, key, upstream } = env();
    upstream.enqueue({ kind: 'echo', status: 400, afterChunks: 2 });
    const stream = await rawStream(gateway.url, key, BODY);
    const errorEvent = stream.data.find((data) => data.includes('"error"'));
    expect(errorEvent).toBeDefined();
    expect(leaks(stream.data.join('\n'))).toEqual([]);
  });

  it('the SDK surfaces the redacted message as an APIError', async () => {
    const { client, upstream } = env();
    upstream.enqueue({ kind: 'echo', status: 400 });
    const error = await client.chat.completions.create(BODY).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect(leaks(JSON.stringify(error))).toEqual([]);
  });

  it('logs which provider failed, where and how, and never a secret', async () => {
    const { gateway, upstream } = env();
    await failWith(503, 2);
    const logged = gateway.output
      .split('\n')
      .filter((line) => line.includes('"provider.failed"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.at(-1)).toMatchObject({
      level: 'warn',
      status: 502,
      code: 'upstream_error',
      provider: 'openai',
      host: new URL(upstream.baseUrl).host,
      upstreamStatus: 503,
      upstreamType: 'invalid_request_error',
    });
    expect(leaks(gateway.output)).toEqual([]);
  });
});
