import { useRelayEnv } from './support/e2e-env';
import { SNAPSHOT } from './support/relay-config';

type Line = Record<string, unknown> & { msg?: string; requestId?: string };

/** One log line per request: `chat.completion` (with the HTTP fields) for completions, `http.request` otherwise. */
describe('access log', () => {
  const env = useRelayEnv();

  const linesOf = (output: string, requestId: string): Line[] =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Line)
      .filter((line) => line.requestId === requestId);

  /** The lines of `requestId`, once the expected count has been written (the access line follows the response). */
  const linesWritten = async (requestId: string, count: number) => {
    const { gateway } = env();
    for (let attempt = 0; attempt < 40 && linesOf(gateway.output, requestId).length < count; attempt += 1)
      await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 100)); // a second line would have come by now
    return linesOf(gateway.output, requestId);
  };

  it('writes one chat.completion line per completion, JSON or streamed, carrying the HTTP fields', async () => {
    const { client } = env();
    for (const stream of [false, true]) {
      const headers = { headers: { 'x-client-request-id': `corr-${String(stream)}` } };
      const messages = [{ role: 'user' as const, content: 'hi' }];
      let response: Response;
      if (stream) {
        const streamed = await client.chat.completions
          .create({ model: SNAPSHOT, messages, stream: true }, headers)
          .withResponse();
        for await (const _chunk of streamed.data) void _chunk;
        response = streamed.response;
      } else {
        response = (await client.chat.completions.create({ model: SNAPSHOT, messages }, headers).withResponse())
          .response;
      }
      const requestId = response.headers.get('x-request-id')!;
      const lines = await linesWritten(requestId, 1);
      expect(lines).toEqual([
        expect.objectContaining({
          msg: 'chat.completion',
          clientRequestId: `corr-${String(stream)}`,
          method: 'POST',
          path: '/v1/chat/completions',
          status: 200,
          ms: expect.any(Number),
          model: SNAPSHOT,
          end: 'completed',
        }),
      ]);
    }
  });

  it('writes one http.request line for other requests, and for a refused completion', async () => {
    const { gateway, key } = env();
    const models = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    await models.arrayBuffer();
    expect(await linesWritten(models.headers.get('x-request-id')!, 1)).toEqual([
      expect.objectContaining({ msg: 'http.request', method: 'GET', path: '/v1/models', status: 200 }),
    ]);
    const refused = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: SNAPSHOT, messages: [] }),
    });
    await refused.arrayBuffer();
    expect(refused.status).toBe(400);
    expect(await linesWritten(refused.headers.get('x-request-id')!, 1)).toEqual([
      expect.objectContaining({ msg: 'http.request', path: '/v1/chat/completions', status: 400 }),
    ]);
  });
});
