/**
 * Gateway overhead benchmark (not a test): run with `npm run bench:overhead`.
 *
 * A. In-process, against the real Redis at REDIS_URL: the per-request work of authentication + quota
 *    admission + metering (bearer lookup, reserve script, then record + settle pipelined), timed per request.
 *    Target: p50 ≤ 0.5 ms on the project's 2-core machine.
 * B. End to end: the built gateway (dist/) in front of a minimal local upstream, against calling that upstream
 *    directly, in the same process tree and run; prints both latency distributions and their difference.
 * C. As B, with tracing on (`telemetry.exporter: otlp`, every trace sampled, exported to a local sink that
 *    discards it), and the ratio of its gateway p50 to B's: the cost of tracing against `exporter: none`.
 */
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { FREE, RecordUsage, UsageMetrics, UsageRepository } from '@voxgate/metering';
import {
  ApiKeyRepository,
  AuthenticateApiKey,
  CreateApiKey,
  CreateTenant,
  QuotaRepository,
  ReserveQuota,
  SettleQuota,
  TenantRepository,
} from '@voxgate/tenancy';
import { Redis } from 'ioredis';
import { REDIS_URL, startBenchGateway } from './bench-gateway';

const WARMUP = 300;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3000);

function percentiles(samples: number[]): { p50: number; p90: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99) };
}

const ms = (value: number) => `${value.toFixed(3)} ms`;

async function inProcess(): Promise<number> {
  const prefix = `vgbench:${randomBytes(4).toString('hex')}:`;
  const redis = new Redis(REDIS_URL, { keyPrefix: prefix, enableAutoPipelining: true });
  try {
    const env = { now: () => new Date(), newId: (p: 'ten' | 'key') => `${p}_${randomBytes(8).toString('hex')}` };
    const tenants = new TenantRepository(redis);
    const keys = new ApiKeyRepository(redis);
    const quotas = new QuotaRepository(redis);
    const tenant = await new CreateTenant(tenants, env).execute({ name: 'bench' });
    const { secret } = await new CreateApiKey(tenants, keys, env).execute(tenant.id, {
      name: 'bench',
      scope: 'client',
    });
    await quotas.setLimits(
      { kind: 'tenant', tenantId: tenant.id },
      { requests_per_minute: 10_000_000, tokens_per_minute: 1_000_000_000 },
    );
    const authenticate = new AuthenticateApiKey(keys);
    const reserve = new ReserveQuota(quotas, { dryRun: false, streamLeaseMs: 120_000 });
    const settle = new SettleQuota(quotas);
    const record = new RecordUsage(new UsageRepository(redis, 86_400_000), new UsageMetrics());
    const samples: number[] = [];
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      const start = performance.now();
      const principal = await authenticate.execute(`Bearer ${secret}`);
      const reservation = await reserve.execute(principal, { tokens: 1100, spendMicros: 20_000, audioMs: 0 }, false);
      const event = record.price({
        id: `req_${i}`,
        tenantId: principal.tenantId,
        keyId: principal.keyId,
        model: 'bench-model',
        provider: 'bench',
        pricing: FREE,
        startedAtMs: Date.now(),
        endedAtMs: Date.now(),
        status: 'completed',
        stream: false,
        usage: { prompt_tokens: 20, completion_tokens: 30, total_tokens: 50 },
      });
      await Promise.all([record.save(event), settle.execute(reservation, { tokens: 50, spendMicros: 0, audioMs: 0 })]);
      if (i >= WARMUP) samples.push(performance.now() - start);
    }
    const { p50, p90, p99 } = percentiles(samples);
    console.log(`A. auth + quota + metering, in process (${ROUNDS} requests, real Redis)`);
    console.log(
      `   p50 ${ms(p50)}  p90 ${ms(p90)}  p99 ${ms(p99)}   target p50 ≤ 0.500 ms: ${p50 <= 0.5 ? 'MET' : 'MISSED'} (ratio ${(p50 / 0.5).toFixed(2)})`,
    );
    return p50;
  } finally {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (found.length) await redis.del(...found.map((key) => key.slice(prefix.length)));
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
  }
}

/** An upstream that answers every chat completion at once with the same small body. */
async function minimalUpstream(): Promise<{ server: Server; url: string }> {
  const body = JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1,
    model: 'bench-model',
    choices: [
      { index: 0, message: { role: 'assistant', content: 'ok', refusal: null }, finish_reason: 'stop', logprobs: null },
    ],
    usage: { prompt_tokens: 20, completion_tokens: 30, total_tokens: 50 },
  });
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` };
}

/** A collector that accepts OTLP exports and discards them. */
async function otlpSink(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function endToEnd(label: string, telemetry?: Record<string, unknown>): Promise<number> {
  const upstream = await minimalUpstream();
  const gateway = await startBenchGateway(upstream.url, telemetry ? { telemetry } : {});
  const { url: gatewayUrl, key } = gateway;
  try {
    const request = JSON.stringify({
      model: 'bench-model',
      messages: [{ role: 'user', content: 'hi' }],
      max_completion_tokens: 64,
    });
    const call = async (url: string, authorization: string) => {
      const start = performance.now();
      const response = await fetch(`${url}/chat/completions`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: request,
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
      return performance.now() - start;
    };
    const direct: number[] = [];
    const viaGateway: number[] = [];
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      // Interleaved, so drift in machine load hits both series alike.
      const d = await call(upstream.url, 'Bearer sk-bench');
      const g = await call(`${gatewayUrl}/v1`, `Bearer ${key}`);
      if (i >= WARMUP) {
        direct.push(d);
        viaGateway.push(g);
      }
    }
    const a = percentiles(direct);
    const b = percentiles(viaGateway);
    console.log(`${label} (${ROUNDS} sequential requests each, interleaved)`);
    console.log(`   direct upstream   p50 ${ms(a.p50)}  p90 ${ms(a.p90)}  p99 ${ms(a.p99)}`);
    console.log(`   through gateway   p50 ${ms(b.p50)}  p90 ${ms(b.p90)}  p99 ${ms(b.p99)}`);
    console.log(
      `   added by gateway  p50 ${ms(b.p50 - a.p50)}  (gateway/direct p50 ratio ${(b.p50 / a.p50).toFixed(2)})`,
    );
    return b.p50;
  } finally {
    await gateway.stop();
    upstream.server.close();
  }
}

async function main(): Promise<void> {
  console.log(`Voxgate gateway overhead — node ${process.version}, ${cpus().length} cores\n`);
  await inProcess();
  console.log('');
  const untraced = await endToEnd('B. end to end, tracing off (exporter: none)');
  console.log('');
  const sink = await otlpSink();
  try {
    const traced = await endToEnd('C. end to end, tracing on (exporter: otlp to a local sink, sampleRatio 1)', {
      exporter: 'otlp',
      otlpEndpoint: sink.url,
    });
    console.log(
      `   tracing adds      p50 ${ms(traced - untraced)}  (traced/untraced gateway p50 ratio ${(traced / untraced).toFixed(2)})`,
    );
  } finally {
    sink.server.close();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
