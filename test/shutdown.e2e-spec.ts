import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeUpstream, readSseEvents, type SseEvent } from '@voxgate/testing';
import { validator } from './support/e2e-env';
import { GatewayProcess } from './support/gateway-process';
import { openaiClient, relayConfig, SNAPSHOT, UPSTREAM_KEY } from './support/relay-config';

/**
 * SIGTERM with work in flight, against the built gateway: it stops taking connections, lets what runs
 * finish until `server.shutdownGraceMs`, cuts the rest with an in-band error (metered and stored) and
 * exits with code 0, also when the upstream stalls. Nothing here is timed beyond "it exited at all":
 * the margins are there so a loaded machine cannot make it flaky.
 */

type UsageEvent = { id: string; status: string; stream: boolean; output_text_tokens: number; estimated: boolean };
type Started = { requestId: string; events: Promise<SseEvent[]> };

const textStream = (content: string) => ({
  model: SNAPSHOT,
  messages: [{ role: 'user' as const, content }],
  stream: true as const,
});

/** Starts a stream with fetch and resolves once its first event arrived; `events` collects all of them. */
async function startStream(
  gateway: GatewayProcess,
  key: string,
  body: object,
  headers: Record<string, string> = {},
): Promise<Started> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  const reader = readSseEvents(response);
  const first = await reader.next();
  const events = (async () => {
    const all = first.done ? [] : [first.value];
    for await (const event of reader) all.push(event);
    return all;
  })();
  return { requestId: response.headers.get('x-request-id')!, events };
}

/** A connection opened before the signal, with a request half sent: Node counts it active, not idle. */
async function halfSentRequest(gateway: GatewayProcess, path: string): Promise<{ finish: () => Promise<string> }> {
  const { port } = new URL(gateway.url);
  const socket: Socket = connect(Number(port), '127.0.0.1');
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
  return {
    finish: () =>
      new Promise((resolve, reject) => {
        let received = '';
        socket.on('data', (data: Buffer) => {
          received += data.toString();
          if (/\r\n\r\n[\s\S]*\}/.test(received)) {
            socket.destroy();
            resolve(received);
          }
        });
        socket.once('error', reject);
        socket.write('\r\n');
      }),
  };
}

/** What a shut-down gateway left in Redis, read through a fresh gateway on the same key prefix. */
async function afterRestart<T>(
  first: GatewayProcess,
  config: Record<string, unknown>,
  read: (g: GatewayProcess) => Promise<T>,
) {
  const second = await GatewayProcess.start({ config, redisPrefix: first.redisPrefix, adminKey: first.adminKey });
  try {
    return await read(second);
  } finally {
    await second.stop();
  }
}

async function usageEvents(gateway: GatewayProcess, billingKey: string): Promise<UsageEvent[]> {
  const since = Math.floor(Date.now() / 1000) - 3600;
  const response = await fetch(`${gateway.url}/v1/usage/events?start_time=${since}&format=jsonl`, {
    headers: { authorization: `Bearer ${billingKey}` },
  });
  expect(response.status).toBe(200);
  return (await response.text())
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as UsageEvent);
}

async function setUp(graceMs: number) {
  const upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
  const config = { ...relayConfig(upstream.baseUrl), server: { shutdownGraceMs: graceMs, sseKeepAliveMs: 0 } };
  const gateway = await GatewayProcess.start({ config });
  const { tenantId, key } = await gateway.createTenantKey();
  const billing = await gateway.admin('POST', `/admin/tenants/${tenantId}/keys`, { name: 'billing', scope: 'billing' });
  return { upstream, gateway, config, key, billingKey: (billing.body as { key: string }).key };
}

describe('graceful shutdown (SIGTERM)', () => {
  let cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup) await step();
    cleanup = [];
  });

  it('refuses new connections, says draining on /readyz, finishes streams within grace and exits 0', async () => {
    const graceMs = 8_000;
    const { upstream, gateway, config, key, billingKey } = await setUp(graceMs);
    cleanup.push(
      () => upstream.stop(),
      () => gateway.stop(),
    );
    upstream.chunkDelayMs = 250; // about 2 s per stream: in flight at the signal, done well within grace
    const streams = [
      await startStream(gateway, key, textStream('one')),
      await startStream(gateway, key, textStream('two')),
    ];
    // And one through the official SDK, which must see an ordinary end.
    const sdkStream = await openaiClient(gateway.url, key).chat.completions.create({
      ...textStream('three'),
      stream: true,
    });
    const sdkChunks = (async () => {
      const chunks = [];
      for await (const chunk of sdkStream) chunks.push(chunk);
      return chunks;
    })();
    sdkChunks.catch(() => undefined); // awaited below; a failure before that must not go unhandled
    const probe = await halfSentRequest(gateway, '/readyz');

    const signalledAt = Date.now();
    gateway.kill('SIGTERM');
    await gateway.waitForOutput(/"msg":"shutdown.draining"/);

    const readyz = await probe.finish();
    expect(readyz).toMatch(/^HTTP\/1\.1 503/);
    expect(readyz).toContain('"status":"draining"');
    const refused = await fetch(`${gateway.url}/healthz`).catch((error: unknown) => error);
    expect(refused).toMatchObject({ cause: { code: 'ECONNREFUSED' } });

    for (const stream of streams) {
      const events = await stream.events;
      expect(events.at(-1)?.data).toBe('[DONE]');
      expect(events.some((event) => event.data.includes('"error"'))).toBe(false);
    }
    expect((await sdkChunks).at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(await gateway.exitCode()).toBe(0);
    // Loose on purpose: it exited, and not by waiting out the grace nor by the forced-exit backstop.
    expect(Date.now() - signalledAt).toBeLessThan(graceMs);
    expect(gateway.output).not.toContain('shutdown.forced');

    const metered = await afterRestart(gateway, config, (second) => usageEvents(second, billingKey));
    for (const stream of streams) {
      expect(metered.find((event) => event.id === stream.requestId)).toMatchObject({
        status: 'completed',
        stream: true,
      });
    }
  });

  it('ends streams still running at the deadline in-band, meters and stores them, and exits 0 past a stalled upstream', async () => {
    const graceMs = 1_500;
    const { upstream, gateway, config, key, billingKey } = await setUp(graceMs);
    cleanup.push(
      () => upstream.stop(),
      () => gateway.stop(),
    );
    upstream.chunkDelayMs = 600; // the healthy stream needs about 5 s: still running at the deadline
    upstream.enqueue({ kind: 'stall', afterChunks: 2 });
    const stalled = await startStream(gateway, key, textStream('stall'), { 'x-session-id': 'call-stalled' });
    const slow = await startStream(gateway, key, textStream('slow'), { 'x-session-id': 'call-slow' });

    const signalledAt = Date.now();
    gateway.kill('SIGTERM');
    const exitCode = await gateway.exitCode();
    expect(exitCode).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(graceMs + 10_000);
    expect(gateway.output).not.toContain('shutdown.forced');

    for (const stream of [stalled, slow]) {
      const events = await stream.events;
      expect(events.some((event) => event.data === '[DONE]')).toBe(false);
      expect(JSON.parse(events.at(-1)!.data)).toEqual({
        error: { message: expect.any(String), type: 'server_error', param: null, code: 'server_shutting_down' },
      });
      // What the client got before the error: chunks of the answer (the stalled one's first two).
      expect(events.length).toBeGreaterThan(1);
    }
    // The stalled upstream call was cancelled, not left hanging.
    expect(upstream.requests.every((request) => request.aborted)).toBe(true);

    const { metered, sessions } = await afterRestart(gateway, config, async (second) => ({
      metered: await usageEvents(second, billingKey),
      sessions: await Promise.all(
        ['call-stalled', 'call-slow'].map(async (id) => {
          const response = await fetch(`${second.url}/v1/sessions/${id}`, {
            headers: { authorization: `Bearer ${key}` },
          });
          return { status: response.status, body: (await response.json()) as { turns: { messages: unknown[] }[] } };
        }),
      ),
    }));
    for (const stream of [stalled, slow]) {
      expect(metered.find((event) => event.id === stream.requestId)).toMatchObject({ status: 'failed', stream: true });
    }
    for (const session of sessions) {
      expect(session.status).toBe(200);
      expect(session.body.turns).toHaveLength(1);
      expect(session.body.turns[0]!.messages).toEqual([
        { role: 'user', content: expect.any(String) },
        expect.objectContaining({ role: 'assistant', content: expect.stringMatching(/\S/) }),
      ]);
    }
  });
});

describe('signals that are not a shutdown', () => {
  it("leaves SIGUSR2 to Node's diagnostic report: the report is written and the gateway keeps serving", async () => {
    const reports = mkdtempSync(path.join(tmpdir(), 'voxgate-report-'));
    const gateway = await GatewayProcess.start({
      env: { NODE_OPTIONS: `--report-on-signal --report-directory=${reports}` },
    });
    try {
      gateway.kill('SIGUSR2');
      const deadline = Date.now() + 10_000;
      while (!readdirSync(reports).some((name) => name.endsWith('.json')) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(readdirSync(reports).filter((name) => name.endsWith('.json'))).toHaveLength(1);
      // Still up, not draining: a shutdown would say so on /readyz, then exit.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
      expect(gateway.output).not.toMatch(/shutdown\.draining/);
    } finally {
      await gateway.stop();
      rmSync(reports, { recursive: true, force: true });
    }
    expect(await gateway.exitCode()).toBe(0);
  });
});
