import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tinyLlamaGguf } from '@voxgate/testing';
import { runModelsPull } from './models-pull';

const model = tinyLlamaGguf();
const modelSha = createHash('sha256').update(model).digest('hex');
const corrupt = Buffer.concat([Buffer.from('<html>not found</html>'), Buffer.alloc(1024)]);

interface Served {
  body: Buffer;
  /** The sha256 the HEAD answer names (Hugging Face's X-Linked-Etag), if any. */
  etag?: string;
}
const files = new Map<string, Served>([
  ['/tiny/repo/resolve/main/tiny.gguf', { body: model, etag: modelSha }],
  ['/tiny/repo/resolve/main/no-etag.gguf', { body: model }],
  ['/tiny/repo/resolve/main/corrupt.gguf', { body: corrupt }],
  [
    '/tiny/repo/resolve/main/tampered.gguf',
    { body: Buffer.concat([model.subarray(0, 4096), Buffer.alloc(10)]), etag: modelSha },
  ],
]);
const ranges: string[] = [];
let server: Server;
let endpoint: string;
let dir: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const served = files.get(req.url ?? '');
    if (!served) return void res.writeHead(404).end();
    if (req.method === 'HEAD') {
      res.writeHead(302, { location: req.url!, ...(served.etag ? { 'x-linked-etag': `"${served.etag}"` } : {}) });
      return void res.end();
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (req.headers.range) ranges.push(req.headers.range);
    const start = range ? Number(range[1]) : 0;
    if (start >= served.body.length) return void res.writeHead(416).end();
    const body = served.body.subarray(start);
    res.writeHead(range ? 206 : 200, {
      'content-length': String(body.length),
      ...(range ? { 'content-range': `bytes ${start}-${served.body.length - 1}/${served.body.length}` } : {}),
    });
    // in pieces, so progress has something to report
    let offset = 0;
    const pump = (): void => {
      if (offset >= body.length) return void res.end();
      res.write(body.subarray(offset, (offset += 64 * 1024)), pump);
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'voxgate-pull-'));
  ranges.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function sink(isTTY = false): { text: () => string; write: (s: string) => boolean; isTTY: boolean } {
  let out = '';
  return { write: (s: string) => ((out += s), true), text: () => out, isTTY };
}

async function pull(argv: string[], tty = false) {
  const stdout = sink(tty);
  const stderr = sink();
  const code = await runModelsPull(argv, { stdout, stderr, env: { HF_ENDPOINT: endpoint }, cwd: dir });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const stored = (file: string): string => path.join(dir, 'models', 'huggingface.co', 'tiny', 'repo', file);

describe('npm run models:pull', () => {
  it('downloads an hf: model, checks the sha256 Hugging Face names, and prints the config snippet', async () => {
    const result = await pull(['hf:tiny/repo/tiny.gguf']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readFileSync(stored('tiny.gguf')).equals(model)).toBe(true);
    expect(existsSync(`${stored('tiny.gguf')}.part`)).toBe(false);
    expect(result.stdout).toContain(`sha256 ${modelSha} (verified)`);
    expect(result.stdout).toContain(`type: gguf\n    path: ${JSON.stringify(stored('tiny.gguf'))}`);
    // plain progress lines off a terminal: 0 %, …, 100 %
    const lines = result.stdout.split('\n').filter((line) => /^tiny\.gguf: \d+%/.test(line));
    expect(lines[0]).toMatch(/^tiny\.gguf: 0%/);
    expect(lines.at(-1)).toMatch(/^tiny\.gguf: 100% \(0\.6\/0\.6 MB/);
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(result.stdout).not.toContain('\r');
  });

  it('draws a progress bar on a terminal', async () => {
    const result = await pull(['hf:tiny/repo/no-etag.gguf'], true);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\rno-etag\.gguf \[#{30}\] 100%/);
    expect(result.stdout).toContain('not verified: no checksum known');
  });

  it('refuses a download that is not GGUF and leaves nothing behind', async () => {
    const result = await pull(['hf:tiny/repo/corrupt.gguf']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('it does not start with the GGUF magic');
    expect(existsSync(stored('corrupt.gguf'))).toBe(false);
    expect(existsSync(`${stored('corrupt.gguf')}.part`)).toBe(false);
  });

  it('refuses a file whose sha256 is not the one named, and a wrong --sha256', async () => {
    const tampered = await pull(['hf:tiny/repo/tampered.gguf']);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain(`expected ${modelSha}`);
    expect(existsSync(stored('tampered.gguf'))).toBe(false);
    const wrong = await pull(['hf:tiny/repo/no-etag.gguf', '--sha256', 'ab'.repeat(32)]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`its sha256 is ${modelSha}`);
  });

  it('resumes an interrupted download with a Range request', async () => {
    mkdirSync(path.dirname(stored('tiny.gguf')), { recursive: true });
    writeFileSync(`${stored('tiny.gguf')}.part`, model.subarray(0, 300_000));
    const result = await pull(['hf:tiny/repo/tiny.gguf']);
    expect(result.code).toBe(0);
    expect(ranges).toEqual(['bytes=300000-']);
    expect(result.stdout).toContain('resumed after 300000 bytes');
    expect(readFileSync(stored('tiny.gguf')).equals(model)).toBe(true);
  });

  it('keeps a model that is already there unless --force', async () => {
    expect((await pull(['hf:tiny/repo/tiny.gguf'])).code).toBe(0);
    const again = await pull(['hf:tiny/repo/tiny.gguf']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('is already there');
    expect(again.stdout).not.toContain('%');
  });

  it('explains bad usage with exit code 2', async () => {
    expect((await pull([])).code).toBe(2);
    const http = await pull(['http://example.com/model.gguf']);
    expect(http.code).toBe(2);
    expect(http.stderr).toContain('not https');
    expect((await pull(['hf:tiny/../x.gguf'])).code).toBe(2);
  });
});
