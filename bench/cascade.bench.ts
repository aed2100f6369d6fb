import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { startBenchGateway } from './bench-gateway';

// Time to first audio of a streamed local cascade (`type: local` chat completions: the text model, then
// flite, voiced sentence by sentence), through the built gateway over HTTP, with a stub text model that
// paces its tokens like a small local model on CPU. Prints, per run and as medians:
//
// - sentence: when the stub sent the token that made the first sentence complete (the splitter needs the
//   first character after it) — the text model's share, the earliest any cascade could start speaking;
// - first audio: when the client received the first `delta.audio.data`;
// - gateway share: first audio − sentence (splitting, flite for the first sentence, relay, conversion);
// - last token: when the stub sent its last token; first audio / last token < 1 means audio started first.
// A text-only run of the same answer is the baseline: its first content delta against the stub's first
// token is the relay's own overhead.
//
// Run: `npm run bench:cascade` (builds the gateway; needs Redis and the Debian engines).
// BENCH_RUNS (default 7), BENCH_TOKEN_MS (default 25: 40 tokens/s), BENCH_FORMAT (default pcm16).

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TOKEN_MS = Number(process.env.BENCH_TOKEN_MS ?? 25);
const FORMAT = process.env.BENCH_FORMAT ?? 'pcm16';
const ANSWER =
  'The museum opens at nine in the morning. Tickets cost twelve dollars for adults and are free for children. ' +
  'On Sundays there is a guided tour at eleven. You can reach it by the number four bus from the station.';
const TOKENS = ANSWER.split(/(?= )/);
/** Index of the token after the first sentence's last one: when the first sentence becomes decidable. */
const DECIDES_FIRST = TOKENS.findIndex((token) => token.includes('.')) + 1;

interface Timing {
  sentence: number;
  firstAudio: number;
  lastToken: number;
  firstContent: number;
  firstToken: number;
}

let sent: number[] = [];

/** An OpenAI-compatible chat endpoint that streams `ANSWER` one word every `TOKEN_MS`, with usage. */
function stubTextModel(): Promise<{ url: string; close: () => void }> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (choices: unknown[], usage?: unknown) =>
        `data: ${JSON.stringify({ id: 'chatcmpl-stub', object: 'chat.completion.chunk', created: 1, model: 'stub', choices, ...(usage ? { usage } : {}) })}\n\n`;
      response.write(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
      sent = [];
      let index = 0;
      const timer = setInterval(() => {
        if (index < TOKENS.length) {
          sent.push(performance.now());
          response.write(chunk([{ index: 0, delta: { content: TOKENS[index++] }, finish_reason: null }]));
          return;
        }
        clearInterval(timer);
        response.write(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]));
        response.write(
          chunk([], { prompt_tokens: 20, completion_tokens: TOKENS.length, total_tokens: 20 + TOKENS.length }),
        );
        response.end('data: [DONE]\n\n');
      }, TOKEN_MS);
      response.on('close', () => clearInterval(timer));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, close: () => server.close() }),
    ),
  );
}

/** Streams one answer; returns when the first audio data (or, text-only, content) arrived. */
async function streamOnce(url: string, key: string, audio: boolean): Promise<{ first: number }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'cascade',
      stream: true,
      messages: [{ role: 'user', content: 'When does the museum open?' }],
      ...(audio ? { modalities: ['text', 'audio'], audio: { voice: 'alloy', format: FORMAT } } : {}),
    }),
  });
  if (response.status !== 200) throw new Error(`status ${response.status}: ${await response.text()}`);
  let first = 0;
  let buffer = '';
  const decoder = new TextDecoder();
  for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(bytes, { stream: true });
    if (first === 0) {
      const hit = audio ? /"data":"/.test(buffer) : /"content":"[^"]/.test(buffer);
      if (hit) first = performance.now();
    }
  }
  return { first };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const stub = await stubTextModel();
  const gateway = await startBenchGateway(stub.url, {
    providers: { local: { type: 'local' } },
    models: [
      {
        id: 'cascade',
        provider: 'local',
        textModel: { type: 'openai-compatible', baseURL: stub.url, model: 'stub' },
      },
    ],
  });
  try {
    await streamOnce(gateway.url, gateway.key, true); // warm: engines load in their worker on first use
    const timings: Timing[] = [];
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const voiced = await streamOnce(gateway.url, gateway.key, true);
      const voicedSent = sent.map((at) => at - started);
      const textStarted = performance.now();
      const text = await streamOnce(gateway.url, gateway.key, false);
      timings.push({
        sentence: voicedSent[DECIDES_FIRST]!,
        firstAudio: voiced.first - started,
        lastToken: voicedSent.at(-1)!,
        firstContent: text.first - textStarted,
        firstToken: sent[0]! - textStarted,
      });
    }
    console.log(
      `cascade bench: ${RUNS} runs, ${TOKENS.length} tokens at ${TOKEN_MS} ms, first sentence complete at token ${DECIDES_FIRST + 1}, format ${FORMAT}`,
    );
    console.log(
      `host: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}, load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    console.log(
      '| run | first sentence decidable ms | first audio ms | gateway share ms | last token ms | first audio / last token |',
    );
    console.log('|---|---|---|---|---|---|');
    timings.forEach((t, index) =>
      console.log(
        `| ${index + 1} | ${t.sentence.toFixed(0)} | ${t.firstAudio.toFixed(0)} | ${(t.firstAudio - t.sentence).toFixed(0)} | ${t.lastToken.toFixed(0)} | ${(t.firstAudio / t.lastToken).toFixed(2)} |`,
      ),
    );
    const m = (pick: (t: Timing) => number) => median(timings.map(pick));
    console.log(
      `| median | ${m((t) => t.sentence).toFixed(0)} | ${m((t) => t.firstAudio).toFixed(0)} | ${m((t) => t.firstAudio - t.sentence).toFixed(0)} | ${m((t) => t.lastToken).toFixed(0)} | ${m((t) => t.firstAudio / t.lastToken).toFixed(2)} |`,
    );
    console.log(
      `text-only baseline (same route, no audio): first content ${m((t) => t.firstContent).toFixed(0)} ms after the request, the stub's first token at ${m((t) => t.firstToken).toFixed(0)} ms: relay overhead ${m((t) => t.firstContent - t.firstToken).toFixed(1)} ms (medians)`,
    );
  } finally {
    await gateway.stop();
    stub.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
