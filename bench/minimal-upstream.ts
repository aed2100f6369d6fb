/**
 * The minimal upstream of `npm run bench:compare`, run as its own process (so the load generator and the
 * gateways do not share its event loop): an OpenAI-compatible `POST /v1/chat/completions` that answers at
 * once, without looking at the body beyond `"stream":true`.
 *
 * - not streamed: the same small `chat.completion` JSON every time;
 * - streamed: a role chunk, STREAM_DELTAS (argv[2], default 20) content deltas `tok<i> `, a `finish_reason` chunk, a usage chunk (always, as a
 *   provider does when asked for `stream_options.include_usage`), then `data: [DONE]`, each its own write.
 *   Written in one go (Node sends the writes of one turn together, so a gateway reads the stream in one or
 *   a few reads), or with STREAM_PACE_MS (argv[3], default 0) > 0 one event per STREAM_PACE_MS, as a model
 *   sends its tokens: then every event is a read of its own on the other side.
 *
 * The benches of the speech routes (`speech-overhead.bench.ts`) use two more routes, as minimal:
 *
 * - `POST /v1/audio/speech`: a fixed 0.17 s mp3 (672 bytes, made with ffmpeg from a 440 Hz tone), or with
 *   `"response_format":"pcm"` in the body 0.1 s of 24 kHz s16le silence, as one write; with
 *   `"stream_format":"sse"` (what the gateway asks of models other than `tts-1`, for the usage) the same
 *   bytes as one `speech.audio.delta` event, then `speech.audio.done` with usage, as OpenAI answers;
 * - `POST /v1/audio/transcriptions`: the body drained unread, then a fixed `{ text, usage }` JSON.
 *
 * Prints one line `{"url":"http://127.0.0.1:<port>/v1"}` on stdout once it listens; stops on SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const STREAM_DELTAS = Number(process.argv[2] ?? 20);
const STREAM_PACE_MS = Number(process.argv[3] ?? 0);

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

/** Generated with `ffmpeg -f lavfi -i sine=frequency=440:duration=0.1:sample_rate=24000 -ac 1 -b:a 32k -map_metadata -1 -id3v2_version 0 -write_xing 0 -f mp3`. */
const speechMp3 = Buffer.from(
  '//NExAASeGp8P1gYAAu2SWgM7Z2w9d6p1juO8BfwznNJzOUxhLRopsTh+XyykpKSkpKTAEwfB8H31AhwfP5QMSnKB/h739Hv6Pf/DAPn6wICGgH+U9/QQQggwggAAACN//NExAkU6T6EV5toAMWe3U+6YWpHbFQwWnhgwNKjvisyUMLbPb18+BNQWkJ7+O4YYYYm/45RwmQ9h7f+Yl0umReL3/5iXS6kkZI/wVEQVBX/lgqCoiPArWBOM75gAQAi//NExAgUGFokAd8AAAIANMAQABzAWQPAwOIKOMBuBFzAyQWw0GUoKMUMBZzA3wOQwHUBuMB/APDACAB0wAYAHBwAalUwaBrP/+z/////1fp+z2f6vQqvDDW1AASAJgYD//NExAoQ4FocAO/0QEYekCb03yZHAKYECD4mj8LkZhSoIOfiYac2YoMWbRUVO1+HLeH/6bP7/9OmhFn+tSqtBT7Ow7//TooYFTtPts8QCGAIBMYHQBxg+A9GCQE4Yj4d//NExBkYQL5EBV4YAOZ1LrBiUC7GH4DoYGgEAUANMBMAkwAwAVfvG48bt09PT09OACCd3d3ABBV39wBBofg4GE1ghxIc4Icoc4Y5R3DHR/lPDH+c6oBppw0IAgIANHRZ//NExAsVMT6E+5qIALQ1Hf8KNjjeWfSr/IwgcTv0v+FcBcA2LJk0O8UcQYIJjvMWWj4yAzZPkEIOy11/L5OEXMy4X1//My4TZmXC+d/gmJAuKt/1C7BaTEFNRTMuMTAw//NExAkAAANIAcAAAKqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq',
  'base64',
);
const speechPcm = Buffer.alloc(4_800);
const speechDone = `data: ${JSON.stringify({
  type: 'speech.audio.done',
  usage: { input_tokens: 6, output_tokens: 20, total_tokens: 26 },
})}\n\n`;

const transcriptionBody = JSON.stringify({
  text: 'ok',
  usage: {
    type: 'tokens',
    input_tokens: 20,
    input_token_details: { text_tokens: 0, audio_tokens: 20 },
    output_tokens: 2,
    total_tokens: 22,
  },
});

const server = createServer((request, response) => {
  if (request.url?.endsWith('/audio/transcriptions')) {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end(transcriptionBody));
    return;
  }
  const parts: Buffer[] = [];
  request.on('data', (part: Buffer) => parts.push(part));
  request.on('end', () => {
    if (request.url?.endsWith('/audio/speech')) {
      const text = Buffer.concat(parts).toString();
      const audio = /"response_format"\s*:\s*"pcm"/.test(text) ? speechPcm : speechMp3;
      if (/"stream_format"\s*:\s*"sse"/.test(text)) {
        response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        response.write(`data: ${JSON.stringify({ type: 'speech.audio.delta', audio: audio.toString('base64') })}\n\n`);
        response.end(speechDone);
        return;
      }
      response.writeHead(200, { 'content-type': audio === speechPcm ? 'audio/pcm' : 'audio/mpeg' }).end(audio);
      return;
    }
    if (!/"stream"\s*:\s*true/.test(Buffer.concat(parts).toString())) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(jsonBody);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    if (STREAM_PACE_MS <= 0) {
      for (const event of streamEvents) response.write(event);
      response.end();
      return;
    }
    let next = 0;
    const writeNext = () => {
      if (response.destroyed) return;
      response.write(streamEvents[next++]);
      if (next < streamEvents.length) setTimeout(writeNext, STREAM_PACE_MS);
      else response.end();
    };
    writeNext();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` }));
});
process.once('SIGTERM', () => process.exit(0));
