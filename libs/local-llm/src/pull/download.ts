import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ProgressSink } from './progress';

export interface DownloadOptions {
  url: string;
  /** Final file; the download goes to `<dest>.part` first and is renamed once verified. */
  dest: string;
  /** Expected sha256 (hex); when absent and the server names one (Hugging Face's `X-Linked-Etag`), that. */
  sha256?: string;
  /** Checks the finished file; returns why it is refused, or undefined. */
  verify?: (file: string) => Promise<string | undefined>;
  progress?: ProgressSink;
  fetch?: typeof globalThis.fetch;
  signal?: AbortSignal;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  sha256: string;
  /** Bytes that were already in `<dest>.part` and not fetched again. */
  resumedFrom: number;
  /** Whether the sha256 was checked against a known value. */
  sha256Checked: boolean;
}

/** A download that was refused or failed; `message` is for the person running the command. */
export class DownloadError extends Error {
  override readonly name = 'DownloadError';
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** Hugging Face answers a `resolve` URL with a redirect that names the LFS file's sha256 and size. */
async function linkedSha256(
  fetchFn: typeof globalThis.fetch,
  url: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  try {
    const head = await fetchFn(url, { method: 'HEAD', redirect: 'manual', ...(signal ? { signal } : {}) });
    const etag = head.headers.get('x-linked-etag')?.replace(/^W\//, '').replace(/"/g, '');
    return etag && /^[0-9a-f]{64}$/.test(etag) ? etag : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Downloads `url` to `dest`, resuming a `<dest>.part` left by an interrupted run (HTTP Range; a server
 * that ignores it restarts the file), then verifies it (sha256 when known, `verify`) before renaming
 * it into place. A refused file is deleted and a `DownloadError` thrown.
 */
export async function downloadModel(options: DownloadOptions): Promise<DownloadResult> {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const part = `${options.dest}.part`;
  await mkdir(path.dirname(options.dest), { recursive: true });
  const expected = options.sha256?.toLowerCase() ?? (await linkedSha256(fetchFn, options.url, options.signal));
  let offset = await sizeOf(part);
  const response = await fetchFn(options.url, {
    redirect: 'follow',
    headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (response.status === 416 && offset > 0) {
    // The part file already holds everything (or more): verify what is there.
    await response.body?.cancel();
  } else {
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new DownloadError(`the server answered ${response.status} ${response.statusText} for ${options.url}`);
    }
    if (response.status !== 206) offset = 0;
    const length = Number(response.headers.get('content-length') ?? NaN);
    const total = Number.isFinite(length) ? offset + length : undefined;
    let received = offset;
    options.progress?.update(received, total);
    const counted = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
    counted.on('data', (chunk: Buffer) => {
      received += chunk.length;
      options.progress?.update(received, total);
    });
    try {
      await pipeline(counted, createWriteStream(part, { flags: offset > 0 ? 'a' : 'w' }));
    } finally {
      options.progress?.end();
    }
    if (total !== undefined && received !== total) {
      throw new DownloadError(
        `the download ended after ${received} of ${total} bytes; run the command again to resume`,
      );
    }
  }
  const digest = await sha256Of(part);
  const refuse = async (reason: string): Promise<never> => {
    await rm(part, { force: true });
    throw new DownloadError(`refused ${options.url}: ${reason}; the partial file was deleted`);
  };
  if (expected && digest !== expected) await refuse(`its sha256 is ${digest}, expected ${expected}`);
  const problem = await options.verify?.(part);
  if (problem) await refuse(problem);
  await rename(part, options.dest);
  return {
    path: options.dest,
    bytes: await sizeOf(options.dest),
    sha256: digest,
    resumedFrom: offset,
    sha256Checked: expected !== undefined,
  };
}
