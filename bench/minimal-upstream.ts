/**
 * The minimal upstream of `npm run bench:compare`, run as its own process (so the load generator and the
 * gateways do not share its event loop): an OpenAI-compatible `POST /v1/chat/completions` that answers at
 * once, without looking at the body beyond `"stream":true`.
 *
 * - not streamed: the same small `chat.completion` JSON every time;
 * - streamed: a role chunk, STREAM_DELTAS (argv[2], default 20) content deltas `tok<i> `, a `finish_reason` chunk, a usage chunk (always, as a
 *   provider does when asked for `stream_options.include_usage`), then `data: [DONE]`, each its own write.
 *
 * Prints one line `{"url":"http://127.0.0.1:<port>/v1"}` on stdout once it listens; stops on SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const STREAM_DELTAS = Number(process.argv[2] ?? 20);

const jsonBody = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1,
  model: 'bench-model',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'ok', refusal: null }, finish_reason: 'stop', logprobs: null },
  ],
  usage: { prompt_tokens: 20, completion_tokens: 30, total_tokens: 50 },
});

const chunk = (choices: unknown[], usage?: object) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'bench-model',
    choices,
    ...(usage ? { usage } : {}),
  })}\n\n`;

const streamEvents = [
  chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
  ...Array.from({ length: STREAM_DELTAS }, (_, i) =>
    chunk([{ index: 0, delta: { content: `tok${i} ` }, finish_reason: null }]),
  ),
  chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
  chunk([], { prompt_tokens: 20, completion_tokens: STREAM_DELTAS, total_tokens: 20 + STREAM_DELTAS }),
  'data: [DONE]\n\n',
];

const server = createServer((request, response) => {
  const parts: Buffer[] = [];
  request.on('data', (part: Buffer) => parts.push(part));
  request.on('end', () => {
    if (!/"stream"\s*:\s*true/.test(Buffer.concat(parts).toString())) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(jsonBody);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const event of streamEvents) response.write(event);
    response.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` }));
});
process.once('SIGTERM', () => process.exit(0));
