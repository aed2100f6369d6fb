import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { InMemorySpanExporter, SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { traceChatCompletion, tracingRegistered } from './chat-completion.span';
import {
  createSampler,
  otlpTracesUrl,
  serviceVersionOf,
  startTelemetry,
  type TelemetryHandle,
  type TelemetrySettings,
} from './start-telemetry';
import {
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_TENANT_ID,
  ATTR_TOOL_NAME,
  SPAN_CHAT_COMPLETION,
  SPAN_TOOL_CALL,
  SPAN_UPSTREAM_CALL,
} from './telemetry.names';
import { recordToolCallSpan } from './tool-call.span';
import { UpstreamCallTracer } from './upstream-call.tracer';

const settings = (overrides: Partial<TelemetrySettings> = {}): TelemetrySettings => ({
  exporter: 'otlp',
  otlpEndpoint: '',
  sampleRatio: 1,
  serviceName: 'voxgate-test',
  ...overrides,
});

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PARENT_ID = 'b7ad6b7169203331';
const traceparent = (flags: '01' | '00') => `00-${TRACE_ID}-${PARENT_ID}-${flags}`;

describe('startTelemetry', () => {
  let exporter: InMemorySpanExporter;
  let telemetry: TelemetryHandle | undefined;

  const start = (overrides: Partial<TelemetrySettings> = {}) => {
    exporter = new InMemorySpanExporter();
    telemetry = startTelemetry(settings(overrides), { version: '9.9.9' }, { spanExporter: exporter });
    return telemetry;
  };
  const finished = async () => {
    await telemetry!.forceFlush();
    return exporter.getFinishedSpans();
  };

  afterEach(async () => {
    await telemetry?.shutdown();
    telemetry = undefined;
  });

  it('runs a request without a span while no provider is registered, and traces it once one is', async () => {
    startTelemetry(settings({ exporter: 'none' }), { version: '1' });
    expect(tracingRegistered()).toBe(false);
    let active: unknown = 'unset';
    const answer = await traceChatCompletion({ traceparent: traceparent('01') }, { [ATTR_TENANT_ID]: 't' }, (span) => {
      span.set({ [ATTR_TENANT_ID]: 'u' });
      span.fail(new Error('no-op'));
      active = trace.getActiveSpan();
      return Promise.resolve(42);
    });
    expect(answer).toBe(42);
    expect(active).toBeUndefined();

    start();
    expect(tracingRegistered()).toBe(true);
    await traceChatCompletion({}, { [ATTR_TENANT_ID]: 't' }, () => {
      active = trace.getActiveSpan();
      return Promise.resolve(1);
    });
    expect(active).toBeDefined();
    expect((await finished()).map((span) => span.name)).toEqual([SPAN_CHAT_COMPLETION]);
  });

  it('registers nothing with exporter none: the API stays a no-op', async () => {
    const handle = startTelemetry(settings({ exporter: 'none' }), { version: '1' });
    expect(handle.enabled).toBe(false);
    const span = trace.getTracer('x').startSpan('y');
    expect(span.isRecording()).toBe(false);
    span.end();
    await handle.shutdown();
  });

  it('continues the client trace from traceparent and records the resource', async () => {
    start();
    const result = await traceChatCompletion(
      { traceparent: traceparent('01'), authorization: 'Bearer sk-vg-secret' },
      { [ATTR_TENANT_ID]: 'ten_1' },
      (span) => {
        span.set({ [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 10 });
        return Promise.resolve('answer');
      },
    );
    expect(result).toBe('answer');
    const [span] = await finished();
    expect(span).toBeDefined();
    expect(span!.name).toBe(SPAN_CHAT_COMPLETION);
    expect(span!.kind).toBe(SpanKind.SERVER);
    expect(span!.spanContext().traceId).toBe(TRACE_ID);
    expect(span!.parentSpanContext?.spanId).toBe(PARENT_ID);
    expect(span!.attributes).toEqual({ [ATTR_TENANT_ID]: 'ten_1', [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 10 });
    expect(span!.resource.attributes).toMatchObject({ 'service.name': 'voxgate-test', 'service.version': '9.9.9' });
    expect(JSON.stringify(span!.attributes)).not.toContain('sk-vg-secret');
  });

  it('makes the completion span the parent of tool and upstream spans started inside it', async () => {
    start();
    const startedAt = Date.now() - 250;
    await traceChatCompletion({}, {}, async () => {
      const end = new UpstreamCallTracer().upstreamCall({ provider: 'openai', model: 'gpt-x', stream: false });
      await Promise.resolve();
      end({ outcome: 'ok', usage: { prompt_tokens: 5, completion_tokens: 7 }, upstreamRequestId: 'req_up1' });
      recordToolCallSpan({ name: 'kb', status: 'ok', replayed: false, effect: 'read', startedAt, durationMs: 40 });
    });
    const spans = await finished();
    const root = spans.find((span) => span.name === SPAN_CHAT_COMPLETION)!;
    const tool = spans.find((span) => span.name === SPAN_TOOL_CALL)!;
    const upstream = spans.find((span) => span.name === SPAN_UPSTREAM_CALL)!;
    expect(tool.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(upstream.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(tool.attributes).toEqual({
      [ATTR_TOOL_NAME]: 'kb',
      'voxgate.tool.status': 'ok',
      'voxgate.tool.replayed': false,
      'voxgate.tool.effect': 'read',
    });
    const startMs = tool.startTime[0] * 1000 + tool.startTime[1] / 1e6;
    const durationMs = tool.duration[0] * 1000 + tool.duration[1] / 1e6;
    expect(Math.abs(startMs - startedAt)).toBeLessThan(1);
    expect(durationMs).toBeCloseTo(40, 0);
    expect(upstream.kind).toBe(SpanKind.CLIENT);
    expect(upstream.attributes).toMatchObject({
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-x',
      'gen_ai.usage.input_tokens': 5,
      'gen_ai.usage.output_tokens': 7,
      'voxgate.upstream.request_id': 'req_up1',
      'voxgate.outcome': 'ok',
    });
  });

  it('marks failures with a code, never the error message', async () => {
    start();
    const error = Object.assign(new Error('upstream said: Incorrect API key sk-upstream-SECRET'), {
      status: 502,
      code: 'upstream_error',
    });
    await expect(traceChatCompletion({}, {}, () => Promise.reject(error))).rejects.toBe(error);
    recordToolCallSpan({
      name: 'kb',
      status: 'error',
      errorCode: 'timeout',
      replayed: false,
      startedAt: Date.now(),
      durationMs: 1,
    });
    const [completion, tool] = await finished();
    expect(completion!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'upstream_error' });
    expect(completion!.attributes).toEqual({ 'error.type': 'upstream_error', 'http.response.status_code': 502 });
    expect(completion!.events).toEqual([]);
    expect(tool!.status.code).toBe(SpanStatusCode.ERROR);
    expect(tool!.attributes['error.type']).toBe('timeout');
    expect(JSON.stringify([completion!.attributes, completion!.status])).not.toContain('SECRET');
  });

  it('follows an unsampled client trace even at ratio 1, and samples nothing new at ratio 0', async () => {
    start({ sampleRatio: 0 });
    await traceChatCompletion({}, {}, () => Promise.resolve());
    await traceChatCompletion({ traceparent: traceparent('01') }, {}, () => Promise.resolve());
    const spans = await finished();
    expect(spans.map((span) => span.spanContext().traceId)).toEqual([TRACE_ID]);

    await telemetry!.shutdown();
    start({ sampleRatio: 1 });
    await traceChatCompletion({ traceparent: traceparent('00') }, {}, () => Promise.resolve());
    await traceChatCompletion({}, {}, () => Promise.resolve());
    expect(await finished()).toHaveLength(1);
  });

  it('unregisters on shutdown, so a later span is a no-op', async () => {
    start();
    await telemetry!.shutdown();
    expect(trace.getTracer('x').startSpan('y').isRecording()).toBe(false);
    expect(context.active()).toBe(ROOT_CONTEXT);
  });
});

describe('createSampler', () => {
  const sampled = { traceId: TRACE_ID, spanId: PARENT_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true };
  const withParent = (flags: TraceFlags) => trace.setSpanContext(ROOT_CONTEXT, { ...sampled, traceFlags: flags });
  const decide = (ratio: number, parent = ROOT_CONTEXT) =>
    createSampler(ratio).shouldSample(parent, TRACE_ID, 'n', SpanKind.SERVER, {}, []).decision;

  it('samples roots by ratio and children by their parent', () => {
    expect(decide(1)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(0)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(0, withParent(TraceFlags.SAMPLED))).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(1, withParent(TraceFlags.NONE))).toBe(SamplingDecision.NOT_RECORD);
  });
});

describe('otlpTracesUrl / serviceVersionOf', () => {
  it('appends /v1/traces to a base URL only', () => {
    expect(otlpTracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl('http://collector:4318/')).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl('http://collector:4318/v1/traces')).toBe('http://collector:4318/v1/traces');
  });

  it('reads the version of a package.json, or says unknown', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vg-telemetry-'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ version: '1.2.3' }));
    expect(serviceVersionOf(path.join(dir, 'package.json'))).toBe('1.2.3');
    expect(serviceVersionOf(path.join(dir, 'missing.json'))).toBe('unknown');
  });
});

describe('startTelemetry: shutdown', () => {
  it('resolves, with one warning, when the exporter cannot deliver the last spans', async () => {
    const warnings: string[] = [];
    const failing = new InMemorySpanExporter();
    failing.shutdown = () => Promise.reject(new Error('collector gone'));
    const telemetry = startTelemetry(
      settings(),
      { version: '0' },
      { spanExporter: failing, onWarning: (m) => warnings.push(m) },
    );
    trace.getTracer('t').startSpan('pending').end();
    await expect(telemetry.shutdown()).resolves.toBeUndefined();
    expect(warnings.some((warning) => warning.includes('collector gone'))).toBe(true);
  });
});
