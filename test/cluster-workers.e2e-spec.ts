import OpenAI from 'openai';
import { FakeUpstream, readSseEvents } from '@voxgate/testing';
import { validator } from './support/e2e-env';
import { GatewayProcess } from './support/gateway-process';
import { awayFromMinuteBoundary } from './support/quota-window';
import { RealtimeTestClient } from './support/realtime-client';
import { ALIAS, openaiClient, relayConfig, SNAPSHOT, UPSTREAM_KEY } from './support/relay-config';

/**
 * `server.workers: 2` against the built gateway (ADR 0019): a primary forking two workers that share the
 * port. Which worker served a request is read from the access lines, which carry `worker` in a cluster.
 * Nothing is timed: the long timeouts only leave room for two gateways booting on a loaded 2-core machine.
 */

jest.setTimeout(120_000);

type LogLine = { msg?: string; worker?: number; pid?: number; path?: string; status?: number; code?: number };

/** The JSON lines of `output` from character `from` on. */
function linesOf(output: string, from = 0): LogLine[] {
  return output
    .slice(from)
    .split('\n')
    .flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
}

/** The workers whose access lines for chat completions appear after `from`. */
function workersServing(gateway: GatewayProcess, from: number): Set<number | undefined> {
  const served = linesOf(gateway.output, from).filter(
    (line) => line.path === '/v1/chat/completions' && (line.msg === 'chat.completion' || line.msg === 'http.request'),
  );
  return new Set(served.map((line) => line.worker));
}

/** The pid the primary last forked into slot `worker`. */
function pidOf(gateway: GatewayProcess, worker: number): number {
  const started = linesOf(gateway.output).filter(
    (line) => line.msg === 'cluster.worker.started' && line.worker === worker,
  );
  return started.at(-1)!.pid!;
}

/** Resolves once a line after `from` satisfies `found` (checked every 50 ms), or rejects after `timeoutMs`. */
async function waitForLine(
  gateway: GatewayProcess,
  from: number,
  found: (line: LogLine) => boolean,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  while (!linesOf(gateway.output, from).some(found)) {
    if (Date.now() > deadline) throw new Error(`no such line within ${timeoutMs} ms:\n${gateway.output.slice(from)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function scrape(gateway: GatewayProcess): Promise<string> {
  const response = await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${gateway.adminKey}` } });
  expect(response.status).toBe(200);
  return response.text();
}

const ask = (client: OpenAI) =>
  client.chat.completions.create({ model: SNAPSHOT, messages: [{ role: 'user', content: 'hi' }] });

describe('server.workers: 2 (node:cluster)', () => {
  let upstream: FakeUpstream;
  let gateway: GatewayProcess;
  let key: string;

  beforeAll(async () => {
    upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    const config = {
      ...relayConfig(upstream.baseUrl),
      server: { workers: 2, shutdownGraceMs: 8_000, sseKeepAliveMs: 0 },
    };
    gateway = await GatewayProcess.start({ config, startTimeoutMs: 60_000 });
    ({ key } = await gateway.createTenantKey());
  });
  afterAll(async () => {
    await gateway.stop();
    await upstream.stop();
  });

  it('logs listening once, when both workers serve, from a primary that is neither', () => {
    const lines = linesOf(gateway.output);
    expect(lines.filter((line) => line.msg === 'listening')).toEqual([
      expect.objectContaining({ workers: 2, url: gateway.url }),
    ]);
    const workers = lines.filter((line) => line.msg === 'worker.listening').map((line) => line.worker);
    expect(workers.sort()).toEqual([0, 1]);
    const pids = new Set(lines.filter((line) => line.msg === 'worker.listening').map((line) => line.pid));
    expect(pids.size).toBe(2);
    // batch.runWorkerInGateway: one batch worker for the group (worker 0), not one per worker.
    expect(lines.filter((line) => line.msg === 'batch worker started')).toEqual([
      expect.objectContaining({ worker: 0 }),
    ]);
  });

  it('serves requests from both workers, and /metrics counts the requests of both', async () => {
    const from = gateway.output.length;
    const client = openaiClient(gateway.url, key);
    const answers = await Promise.all(Array.from({ length: 12 }, () => ask(client)));
    expect(answers.every((answer) => answer.choices[0]?.message)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200)); // access lines are written after the body
    expect(workersServing(gateway, from)).toEqual(new Set([0, 1]));

    // Whichever worker answers the scrape, it reports the group: all 12, both workers.
    for (let i = 0; i < 3; i++) {
      const text = await scrape(gateway);
      expect(text).toContain(
        'voxgate_http_request_duration_seconds_count{route="/v1/chat/completions",method="POST",status_class="2xx"} 12\n',
      );
      expect(text).toContain('voxgate_cluster_workers{state="scraped"} 2\n');
      expect(text.match(/^# TYPE voxgate_http_request_duration_seconds histogram$/gm)).toHaveLength(1);
    }
  });

  it('admits exactly the limit when both workers race for it (quotas live in Redis)', async () => {
    const { key: burstKey, tenantId } = await gateway.createTenantKey('burst');
    await gateway.admin('PUT', `/admin/tenants/${tenantId}/quotas`, { requests_per_minute: 9 });
    await awayFromMinuteBoundary();
    const from = gateway.output.length;
    const client = openaiClient(gateway.url, burstKey);
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => ask(client)));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(9);
    const refused = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    expect(refused).toHaveLength(21);
    for (const error of refused) expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the last access lines
    expect(workersServing(gateway, from)).toEqual(new Set([0, 1]));
  });

  it('replaces a worker that dies, in the same slot, and keeps serving from both', async () => {
    const dead = pidOf(gateway, 1);
    const from = gateway.output.length;
    process.kill(dead, 'SIGKILL');
    await waitForLine(gateway, from, (line) => line.msg === 'cluster.worker.exited' && line.worker === 1, 10_000);
    await waitForLine(gateway, from, (line) => line.msg === 'worker.listening' && line.worker === 1, 60_000);
    const replacement = pidOf(gateway, 1);
    expect(replacement).not.toBe(dead);
    expect(linesOf(gateway.output, from).find((line) => line.msg === 'worker.listening')?.pid).toBe(replacement);

    const after = gateway.output.length;
    const client = openaiClient(gateway.url, key);
    await Promise.all(Array.from({ length: 12 }, () => ask(client)));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(workersServing(gateway, after)).toEqual(new Set([0, 1]));
    expect(await scrape(gateway)).toContain('voxgate_cluster_worker_restarts_total 1\n');
  });

  it('answers probes, upgrades realtime sockets and refuses a revoked key within 1 s, whichever worker serves', async () => {
    for (let i = 0; i < 4; i++) {
      expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    }
    const opened = gateway.output.length;
    const sockets = await Promise.all([0, 1].map(() => RealtimeTestClient.open(gateway.url, key, ALIAS)));
    for (const socket of sockets) {
      await socket.next('session.created');
      socket.assertAllValid();
      socket.close();
    }
    // A log line reaches stdout in the turn it was logged in, which may be after the socket's first event.
    for (const worker of [0, 1]) {
      await waitForLine(gateway, opened, (line) => line.msg === 'realtime.open' && line.worker === worker, 5_000);
    }
    const upgradedBy = linesOf(gateway.output, opened).filter((line) => line.msg === 'realtime.open');
    expect(new Set(upgradedBy.map((line) => line.worker))).toEqual(new Set([0, 1]));

    const { keyId, key: doomed } = await gateway.createTenantKey('revoked');
    const client = openaiClient(gateway.url, doomed);
    const from = gateway.output.length;
    await Promise.all(Array.from({ length: 8 }, () => ask(client))); // in both workers' key caches
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(workersServing(gateway, from)).toEqual(new Set([0, 1]));
    const since = Date.now();
    expect((await gateway.admin('DELETE', `/admin/keys/${keyId}`)).status).toBe(200);
    let lastAccepted = -1;
    let refusedRounds = 0;
    while (refusedRounds < 3) {
      const sentAt = Date.now() - since;
      const results = await Promise.allSettled(Array.from({ length: 4 }, () => ask(client)));
      if (results.some((result) => result.status === 'fulfilled')) {
        lastAccepted = sentAt;
        refusedRounds = 0;
      } else refusedRounds += 1;
      for (const result of results)
        if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(sentAt).toBeLessThan(3_000);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(lastAccepted).toBeLessThanOrEqual(1_000);
  });

  it('drains a running stream on SIGTERM to the primary, then exits 0', async () => {
    upstream.chunkDelayMs = 250; // a couple of seconds per stream: in flight at the signal
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: SNAPSHOT, messages: [{ role: 'user', content: 'one' }], stream: true }),
    });
    expect(response.status).toBe(200);
    const reader = readSseEvents(response);
    const first = await reader.next();
    expect(first.done).toBe(false);

    gateway.kill('SIGTERM');
    const events = [];
    for await (const event of reader) events.push(event);
    expect(events.at(-1)?.data).toBe('[DONE]');
    expect(events.some((event) => event.data.includes('"error"'))).toBe(false);
    expect(await gateway.exitCode()).toBe(0);
    const lines = linesOf(gateway.output);
    expect(
      lines
        .filter((line) => line.msg === 'shutdown.drained')
        .map((line) => line.worker)
        .sort(),
    ).toEqual([0, 1]);
    expect(lines.find((line) => line.msg === 'cluster.stopped')).toMatchObject({ exitCode: 0 });
  });
});

describe('server.workers: 2 whose workers cannot start', () => {
  it('reports the failure once and gives up with exit code 1 instead of forking forever', async () => {
    const failure = await GatewayProcess.startFailing({
      config: { server: { workers: 2, tls: { certFile: '/nonexistent/cert.pem', keyFile: '/nonexistent/key.pem' } } },
      startTimeoutMs: 90_000,
    });
    expect(failure.code).toBe(1);
    expect(failure.output.match(/voxgate: failed to start/g)).toHaveLength(1);
    expect(failure.output).toContain("ENOENT: no such file or directory, open '/nonexistent/cert.pem'");
    expect(failure.output).toMatch(/voxgate: workers keep failing at boot \(5 in a row/);
    // 2 forks, then one more per failure until the 5th (the last fork may still be booting: it is stopped).
    const forks = linesOf(failure.output).filter((line) => line.msg === 'cluster.worker.started');
    expect(forks.length).toBeGreaterThanOrEqual(5);
    expect(forks.length).toBeLessThanOrEqual(6);
  });
});
