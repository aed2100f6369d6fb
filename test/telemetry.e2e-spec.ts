import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeUpstream } from '@voxgate/testing';
import type OpenAI from 'openai';
import { validator } from './support/e2e-env';
import { GatewayProcess } from './support/gateway-process';
import { openaiClient, relayConfig, SNAPSHOT, UPSTREAM_KEY } from './support/relay-config';

/** One span as the OTLP/HTTP JSON exporter sends it, attributes flattened. */
interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startMs: number;
  endMs: number;
  status: { code?: number };
  attributes: Record<string, string | number | boolean>;
  resource: Record<string, string | number | boolean>;
}

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type OtlpAttribute = { key: string; value: OtlpValue };

/** A minimal OTLP/HTTP collector: keeps every request body as received and the spans it carries. */
class TestCollector {
  readonly bodies: string[] = [];
  readonly spans: ExportedSpan[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (data: Buffer) => (body += data.toString()));
      request.on('end', () => {
        this.bodies.push(body);
        if (request.url === '/v1/traces' && request.headers['content-type'] === 'application/json') {
          this.spans.push(...parseSpans(body));
        }
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Waits until `count` spans named `name` of trace `traceId` arrived (the batch processor exports every 100 ms). */
  async waitFor(traceId: string, name: string, count = 1, timeoutMs = 10_000): Promise<ExportedSpan[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.spans.filter((span) => span.traceId === traceId && span.name === name);
      if (found.length >= count) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `no ${count}× ${name} in trace ${traceId}; got ${JSON.stringify(this.spans.map((s) => s.name))}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  ofTrace(traceId: string): ExportedSpan[] {
    return this.spans.filter((span) => span.traceId === traceId);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function parseSpans(body: string): ExportedSpan[] {
  const request = JSON.parse(body) as {
    resourceSpans: {
      resource: { attributes: OtlpAttribute[] };
      scopeSpans: {
        spans: {
          traceId: string;
          spanId: string;
          parentSpanId?: string;
          name: string;
          kind: number;
          startTimeUnixNano: string | number;
          endTimeUnixNano: string | number;
          status?: { code?: number };
          attributes?: OtlpAttribute[];
        }[];
      }[];
    }[];
  };
  return request.resourceSpans.flatMap((resourceSpan) =>
    resourceSpan.scopeSpans.flatMap((scope) =>
      scope.spans.map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId ?? '',
        name: span.name,
        kind: span.kind,
        startMs: Number(BigInt(span.startTimeUnixNano) / 1000n) / 1000,
        endMs: Number(BigInt(span.endTimeUnixNano) / 1000n) / 1000,
        status: span.status ?? {},
        attributes: flatten(span.attributes ?? []),
        resource: flatten(resourceSpan.resource.attributes),
      })),
    ),
  );
}

function flatten(attributes: OtlpAttribute[]): Record<string, string | number | boolean> {
  return Object.fromEntries(
    attributes.map(({ key, value }) => [
      key,
      value.stringValue ??
        value.boolValue ??
        (value.intValue !== undefined ? Number(value.intValue) : value.doubleValue!),
    ]),
  );
}

const newTraceparent = () => {
  const traceId = randomBytes(16).toString('hex');
  return {
    traceId,
    parentId: randomBytes(8).toString('hex'),
    header: (parent: string) => `00-${traceId}-${parent}-01`,
  };
};

// Spans leave through the batch processor (every 100 ms here): allow for slow machines.
jest.setTimeout(30_000);

const SPAN_KIND = { internal: 1, server: 2, client: 3 } as const;
const STATUS_ERROR = 2;
const DOCUMENT_TEXT = 'The restaurant opens at 7 pm and closes at midnight, said Zorblax.';
const TOOL_QUERY = 'when does the restaurant open';
const USER_TEXT = 'When do you open, dear gateway?';
const ANSWER_TEXT = 'We open at 7 pm, friend.';
const SPOKEN_TEXT = 'Read this aloud, Quibblefritz.';

describe('tracing (OTLP) and tool-call metrics', () => {
  const collector = new TestCollector();
  let upstream: FakeUpstream;
  let gateway: GatewayProcess;
  let client: OpenAI;
  let key: string;
  let tenantId: string;

  beforeAll(async () => {
    await collector.start();
    upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    gateway = await GatewayProcess.start({
      config: {
        ...relayConfig(upstream.baseUrl),
        models: [
          ...(relayConfig(upstream.baseUrl).models as unknown[]),
          { id: 'gpt-4o-mini-tts', provider: 'openai', endpoints: ['audio/speech'] },
        ],
        telemetry: { exporter: 'otlp', otlpEndpoint: collector.url, serviceName: 'voxgate-e2e' },
      },
      env: { OTEL_BSP_SCHEDULE_DELAY: '100' },
    });
    ({ key, tenantId } = await gateway.createTenantKey());
    client = openaiClient(gateway.url, key);
    expect(
      (
        await gateway.admin('POST', '/admin/tools', {
          name: 'kb',
          implementation: { type: 'builtin', module: 'search' },
        })
      ).status,
    ).toBe(201);
    expect((await gateway.admin('PUT', `/admin/tenants/${tenantId}/tools/kb`)).status).toBe(200);
    const upload = await gateway.admin('POST', `/admin/tenants/${tenantId}/search/documents`, {
      documents: [{ id: 'hours', title: 'Opening hours', text: DOCUMENT_TEXT }],
    });
    expect(upload.status).toBe(201);
  });

  afterEach(() => upstream.assertNoViolations());

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.stop();
    await collector.stop();
  });

  it('continues the client trace: completion span, tool span as its child, upstream spans per round', async () => {
    upstream.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'kb', arguments: { query: TOOL_QUERY }, id: 'call_kb' }] },
      { kind: 'completion', message: { content: ANSWER_TEXT } },
    );
    const trace = newTraceparent();
    const sentAt = Date.now();
    const completion = await client.chat.completions.create(
      { model: SNAPSHOT, messages: [{ role: 'user', content: USER_TEXT }] },
      { headers: { traceparent: trace.header(trace.parentId), 'x-session-id': 'trace-session-1' } },
    );
    expect(completion.choices[0]?.message.content).toBe(ANSWER_TEXT);

    const [root] = await collector.waitFor(trace.traceId, 'voxgate.chat.completion');
    const [tool] = await collector.waitFor(trace.traceId, 'voxgate.tool.call');
    const upstreamCalls = await collector.waitFor(trace.traceId, 'voxgate.upstream.call', 2);

    expect(root!.parentSpanId).toBe(trace.parentId);
    expect(root!.kind).toBe(SPAN_KIND.server);
    expect(root!.resource).toMatchObject({ 'service.name': 'voxgate-e2e', 'service.version': '0.1.0' });
    expect(root!.attributes).toMatchObject({
      'voxgate.tenant.id': tenantId,
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': SNAPSHOT,
      'gen_ai.response.model': SNAPSHOT,
      'gen_ai.system': 'openai',
      'voxgate.provider': 'openai',
      'voxgate.stream': false,
      'voxgate.session.present': true,
      'voxgate.outcome': 'completed',
      'voxgate.tool.runs': 1,
    });
    expect(root!.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    expect(root!.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);

    expect(tool!.parentSpanId).toBe(root!.spanId);
    expect(tool!.kind).toBe(SPAN_KIND.internal);
    expect(tool!.attributes).toEqual({
      'voxgate.tool.name': 'kb',
      'voxgate.tool.status': 'ok',
      'voxgate.tool.replayed': false,
      'voxgate.tool.effect': 'read',
    });
    // Recorded with its real start: after the request was sent, inside the completion, before the last round.
    expect(tool!.startMs).toBeGreaterThanOrEqual(sentAt - 5);
    expect(tool!.startMs).toBeGreaterThanOrEqual(root!.startMs);
    expect(tool!.endMs).toBeLessThanOrEqual(root!.endMs);
    const [first, second] = [...upstreamCalls].sort((a, b) => a.startMs - b.startMs);
    expect(first!.endMs).toBeLessThanOrEqual(tool!.startMs + 1);
    expect(second!.startMs).toBeGreaterThanOrEqual(tool!.endMs - 1);

    for (const call of upstreamCalls) {
      expect(call.parentSpanId).toBe(root!.spanId);
      expect(call.kind).toBe(SPAN_KIND.client);
      expect(call.attributes).toMatchObject({
        'gen_ai.system': 'openai',
        'gen_ai.request.model': SNAPSHOT,
        'voxgate.stream': false,
        'voxgate.outcome': 'ok',
      });
      expect(call.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    }
  });

  it('traces a streamed completion: one upstream span per stream round, ended with its usage', async () => {
    upstream.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'kb', arguments: { query: TOOL_QUERY }, id: 'call_kb2' }] },
      { kind: 'completion', message: { content: ANSWER_TEXT } },
    );
    const trace = newTraceparent();
    const stream = await client.chat.completions.create(
      { model: SNAPSHOT, messages: [{ role: 'user', content: USER_TEXT }], stream: true },
      { headers: { traceparent: trace.header(trace.parentId) } },
    );
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(ANSWER_TEXT);

    const [root] = await collector.waitFor(trace.traceId, 'voxgate.chat.completion');
    const upstreamCalls = await collector.waitFor(trace.traceId, 'voxgate.upstream.call', 2);
    const [tool] = await collector.waitFor(trace.traceId, 'voxgate.tool.call');
    expect(root!.attributes).toMatchObject({
      'voxgate.stream': true,
      'voxgate.outcome': 'completed',
      'voxgate.session.present': false,
    });
    expect(tool!.parentSpanId).toBe(root!.spanId);
    for (const call of upstreamCalls) {
      expect(call.parentSpanId).toBe(root!.spanId);
      expect(call.attributes).toMatchObject({ 'voxgate.stream': true, 'voxgate.outcome': 'ok' });
      expect(call.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
      expect(call.endMs).toBeLessThanOrEqual(root!.endMs);
    }
  });

  it('marks a failed completion with its error code, and starts a new trace without traceparent', async () => {
    upstream.enqueue({
      kind: 'json',
      status: 401,
      body: {
        error: {
          message: `Incorrect API key provided: ${UPSTREAM_KEY}`,
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      },
    });
    const before = new Set(collector.spans.map((span) => span.traceId));
    const error = await client.chat.completions
      .create({ model: SNAPSHOT, messages: [{ role: 'user', content: USER_TEXT }] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502 });

    const deadline = Date.now() + 10_000;
    let failed: ExportedSpan | undefined;
    while (!failed && Date.now() < deadline) {
      failed = collector.spans.find(
        (span) =>
          span.name === 'voxgate.chat.completion' && !before.has(span.traceId) && span.status.code === STATUS_ERROR,
      );
      if (!failed) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(failed).toBeDefined();
    expect(failed!.parentSpanId).toBe('');
    expect(failed!.attributes).toMatchObject({ 'voxgate.outcome': 'upstream_error', 'http.response.status_code': 502 });
    expect(typeof failed!.attributes['error.type']).toBe('string');
    const [upstreamCall] = await collector.waitFor(failed!.traceId, 'voxgate.upstream.call');
    expect(upstreamCall!.status.code).toBe(STATUS_ERROR);
    expect(upstreamCall!.attributes['voxgate.outcome']).toBe('error');
  });

  it('traces /v1/audio/speech in its own server span continuing the client trace, without the text', async () => {
    const trace = newTraceparent();
    const speech = await client.audio.speech.create(
      { model: 'gpt-4o-mini-tts', input: SPOKEN_TEXT, voice: 'alloy', response_format: 'wav' },
      { headers: { traceparent: trace.header(trace.parentId) } },
    );
    expect((await speech.arrayBuffer()).byteLength).toBeGreaterThan(44);
    const [span] = await collector.waitFor(trace.traceId, 'voxgate.audio.speech');
    expect(span).toMatchObject({ kind: SPAN_KIND.server, parentSpanId: trace.parentId });
    expect(span!.attributes).toMatchObject({
      'voxgate.tenant.id': tenantId,
      'gen_ai.operation.name': 'text_to_speech',
      'gen_ai.request.model': 'gpt-4o-mini-tts',
      'voxgate.outcome': 'completed',
      'voxgate.provider': 'openai',
    });
    expect(collector.bodies.join('\n')).not.toContain(SPOKEN_TEXT);
  });

  it('exports no key, message, tool argument or tool result', () => {
    const exported = collector.bodies.join('\n');
    expect(exported.length).toBeGreaterThan(0);
    for (const secret of [UPSTREAM_KEY, key, gateway.adminKey, 'Bearer']) expect(exported).not.toContain(secret);
    for (const content of [
      DOCUMENT_TEXT,
      'Zorblax',
      TOOL_QUERY,
      USER_TEXT,
      ANSWER_TEXT,
      'Opening hours',
      'trace-session-1',
    ]) {
      expect(exported).not.toContain(content);
    }
  });

  it('counts tool calls on /metrics', async () => {
    const response = await fetch(`${gateway.url}/metrics`, {
      headers: { authorization: `Bearer ${gateway.adminKey}` },
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('# TYPE voxgate_tool_calls_total counter');
    expect(text).toMatch(/^voxgate_tool_calls_total\{tool="kb",status="ok",replayed="false"\} 2$/m);
    expect(text).toMatch(/^voxgate_tool_duration_seconds_count\{tool="kb"\} 2$/m);
    expect(text).toContain('# TYPE voxgate_requests_total counter');
  });
});

describe('tracing on shutdown', () => {
  it('exports pending spans when the gateway stops (SIGTERM), long before the batch delay', async () => {
    const collector = new TestCollector();
    await collector.start();
    const upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    const gateway = await GatewayProcess.start({
      config: { ...relayConfig(upstream.baseUrl), telemetry: { exporter: 'otlp', otlpEndpoint: collector.url } },
      env: { OTEL_BSP_SCHEDULE_DELAY: '600000' },
    });
    try {
      const client = openaiClient(gateway.url, (await gateway.createTenantKey()).key);
      upstream.enqueue({ kind: 'completion', message: { content: 'hi' } });
      const trace = newTraceparent();
      await client.chat.completions.create(
        { model: SNAPSHOT, messages: [{ role: 'user', content: 'x' }] },
        { headers: { traceparent: trace.header(trace.parentId) } },
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(collector.ofTrace(trace.traceId)).toEqual([]);
      await gateway.stop();
      const [root] = await collector.waitFor(trace.traceId, 'voxgate.chat.completion', 1, 2_000);
      expect(root!.resource['service.name']).toBe('voxgate-gateway');
    } finally {
      await gateway.stop();
      await upstream.stop();
      await collector.stop();
    }
  });
});
