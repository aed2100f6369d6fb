import type { Readable, Writable } from 'node:stream';

/**
 * Everything the CLI touches outside itself, injected so `runCli` runs in-process in tests exactly as the
 * `voxgate` binary runs it (`main.ts` passes the real process streams, environment and `fetch`).
 */
export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Read by `--file -` (a tool definition piped in). */
  readonly stdin: Readable;
  /** `VOXGATE_URL` and `VOXGATE_ADMIN_KEY` are read from here. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fetch: typeof fetch;
}

/** Resolves once `text` is handed to the stream, waiting for `drain` when its buffer is full. */
export async function write(stream: Writable, text: string | Uint8Array): Promise<void> {
  if (stream.write(text)) return;
  await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
}

/** All of a readable stream as UTF-8 text. */
export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
