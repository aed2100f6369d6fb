import type { CreateChatCompletion, RelayEvent, RelaySummary } from '@voxgate/conversation';
import { type ChatCompletionChunk, type ChatCompletionRequest, Errors, GatewayError } from '@voxgate/openai-wire';
import { CallAbort, onAbort, type UpstreamSignal } from '@voxgate/providers';
import type { Principal } from '@voxgate/tenancy';
import type { GracefulShutdown } from '../infra/graceful-shutdown';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import type { GatewayTools } from '../tools/tools-runtime.provider';
import {
  AdmissionRefusedError,
  type CompletionDoor,
  type CompletionInput,
  CompletionPipeline,
} from './completion-pipeline';
import { ConversationTurns } from './conversation-turns';
import type { MeteredChat } from './metered-chat';
import type { StreamEnd } from './sse-writer';

const principal = { tenantId: 't1', keyId: 'k1', scope: 'client' } as unknown as Principal;
const route = { model: 'gpt-x', provider: 'openai', upstreamModel: 'gpt-x', upstreamRequestId: null };
const request = {
  model: 'gpt-x',
  messages: [{ role: 'user', content: 'hi' }],
  stream: true,
} as unknown as ChatCompletionRequest;
const chunk = {
  id: 'c1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-x',
  choices: [{ index: 0, delta: { content: 'hello' }, finish_reason: null }],
} as unknown as ChatCompletionChunk;
const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };

/** What the use case answers for a stream: one chunk, then a completed summary. */
function streamResult() {
  const summary: RelaySummary = {
    usage,
    completed: true,
    error: null,
    generated: { textChars: 5, audioBytes: 0 },
    message: { role: 'assistant', content: 'hello' } as RelaySummary['message'],
    audio: null,
    audioIds: [],
  };
  async function* events(): AsyncGenerator<RelayEvent> {
    await Promise.resolve();
    yield { type: 'chunk', chunk };
  }
  return {
    kind: 'stream',
    route,
    events: events(),
    summary,
    audio: { speed: 1, outputSeconds: null },
    tools: { runs: [], messages: [], usage: null, rounds: 0 },
  };
}

/**
 * A pipeline over fakes: every settle side effect is counted. `admission`: how `begin` answers (default:
 * granted at once, not overlapped).
 */
function setUp(
  execute?: (command: { admitted?: Promise<unknown>; signal: UpstreamSignal }) => Promise<unknown>,
  pending?: (granted: unknown) => { admission: Promise<unknown>; overlap: boolean },
) {
  const create = { execute: jest.fn(execute ?? (() => Promise.resolve(streamResult()))) };
  const admission = { reservation: { headers: { 'x-ratelimit-limit-requests': '10' }, leaseId: null } };
  const lease = { stop: jest.fn(), release: jest.fn(() => Promise.resolve()) };
  const metered = {
    begin: jest.fn(() => (pending ? pending(admission) : { admission: Promise.resolve(admission), overlap: false })),
    finish: jest.fn(),
    keepLease: jest.fn(() => lease),
  };
  const turns = {
    audioIds: {},
    prepare: jest.fn((_p: Principal, req: ChatCompletionRequest, sessionId: string | null) =>
      Promise.resolve({ request: req, sessionId, clientMessages: req.messages }),
    ),
    prepareProvided: jest.fn((_p: Principal, req: ChatCompletionRequest, sessionId: string | null, stored: unknown[]) =>
      Promise.resolve({ request: req, sessionId, clientMessages: stored }),
    ),
    complete: jest.fn(() => Promise.resolve()),
  };
  const tools = { forRequest: jest.fn(() => Promise.resolve(undefined)) };
  const untrack = jest.fn();
  const shutdown = { track: jest.fn(() => untrack) };
  const observer = { observe: jest.fn() };
  const metrics = {
    completion: jest.fn(() => ({ firstByte: observer, firstAudio: observer })),
    overlappedAdmission: jest.fn(),
  };
  const pipeline = new CompletionPipeline(
    create as unknown as CreateChatCompletion,
    metered as unknown as MeteredChat,
    turns as unknown as ConversationTurns,
    tools as unknown as GatewayTools,
    shutdown as unknown as GracefulShutdown,
    metrics as unknown as GatewayMetrics,
  );
  return { pipeline, metered, turns, untrack, shutdown, create, metrics, lease, tools };
}

function input(overrides: Partial<CompletionInput> = {}): CompletionInput {
  return {
    principal,
    request,
    requestId: 'req_1',
    sessionId: 'chat-1',
    idempotencyKey: null,
    confirmationToken: null,
    abort: new AbortController(),
    traceHeaders: {},
    ...overrides,
  };
}

/** A door whose stream ends as `end`, reading every event first and running `beforeEnd` unless the client left. */
function door(end: StreamEnd | Error) {
  const log = jest.fn();
  const stream = jest.fn(
    async (
      events: AsyncIterable<RelayEvent>,
      options: { beforeEnd: (end: Exclude<StreamEnd, 'client_disconnected'>) => Promise<void> },
    ): Promise<StreamEnd> => {
      for await (const _event of events) {
        // consumed
      }
      if (end instanceof Error) throw end;
      if (end !== 'client_disconnected') await options.beforeEnd(end);
      return end;
    },
  );
  const value: CompletionDoor = {
    admitted: jest.fn(),
    json: jest.fn(),
    stream,
    elapsedSeconds: () => 0.1,
    log,
  };
  return { door: value, log, stream };
}

describe('CompletionPipeline: a stream is settled exactly once, whichever way it ends', () => {
  const cases: Array<[StreamEnd, string, boolean]> = [
    ['completed', 'completed', true],
    ['upstream_error', 'upstream_error', false],
    ['client_disconnected', 'cancelled', false],
    ['interrupted', 'failed', true],
  ];
  it.each(cases)('%s: metered once as %s, stored: %s, logged once, untracked', async (end, status, stored) => {
    const { pipeline, metered, turns, untrack } = setUp();
    const { door: d, log } = door(end);
    await expect(pipeline.execute(input(), d)).resolves.toBeUndefined();
    expect(metered.finish).toHaveBeenCalledTimes(1);
    expect(metered.finish).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ status, usage, provider: 'openai' }),
    );
    expect(turns.complete).toHaveBeenCalledTimes(stored ? 1 : 0);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledWith(route, expect.objectContaining({ end, usage }));
    expect(untrack).toHaveBeenCalledTimes(1);
  });

  it('a completed stream is settled, and the settle answered, before the door ends it (beforeEnd), not again after', async () => {
    const { pipeline, metered, lease } = setUp();
    const order: string[] = [];
    metered.finish.mockImplementation(async () => {
      order.push('finish');
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push('settle answered');
    });
    const { door: d } = door('completed');
    const stream = d.stream.bind(d);
    d.stream = async (events, options) => {
      const end = await stream(events, options);
      order.push('door-ended');
      return end;
    };
    await pipeline.execute(input(), d);
    expect(order).toEqual(['finish', 'settle answered', 'door-ended']);
    expect(metered.finish).toHaveBeenCalledTimes(1);
    expect(lease.release).not.toHaveBeenCalled();
  });

  it.each<[StreamEnd, string[]]>([
    ['upstream_error', ['release', 'door-ended', 'finish']],
    ['interrupted', ['finish', 'settle answered', 'door-ended']],
  ])('a stream ending as %s frees its slot before the door ends it: %j', async (end, expected) => {
    const { pipeline, metered, lease } = setUp();
    const order: string[] = [];
    lease.release.mockImplementation(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push('release');
    });
    metered.finish.mockImplementation(async () => {
      order.push('finish');
      if (end === 'interrupted') {
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push('settle answered');
      }
    });
    const { door: d } = door(end);
    const stream = d.stream.bind(d);
    d.stream = async (events, options) => {
      const ended = await stream(events, options);
      order.push('door-ended');
      return ended;
    };
    await pipeline.execute(input(), d);
    expect(order).toEqual(expected);
    expect(metered.finish).toHaveBeenCalledTimes(1);
  });

  it('a stream refused before its first byte is settled, and the settle answered, before the error is thrown', async () => {
    const { pipeline, metered } = setUp(() => Promise.reject(Errors.internal()));
    const order: string[] = [];
    metered.finish.mockImplementation(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push('settle answered');
    });
    const { door: d } = door('completed');
    await pipeline.execute(input(), d).catch(() => order.push('thrown'));
    expect(order).toEqual(['settle answered', 'thrown']);
  });

  it('a door that throws while writing still settles the request once, as failed, and the error reaches the caller', async () => {
    const { pipeline, metered } = setUp();
    const { door: d, log } = door(new Error('socket exploded'));
    await expect(pipeline.execute(input(), d)).rejects.toThrow('socket exploded');
    expect(metered.finish).toHaveBeenCalledTimes(1);
    expect(metered.finish).toHaveBeenCalledWith(expect.anything(), expect.objectContaining({ status: 'failed' }));
    expect(log).not.toHaveBeenCalled();
  });

  it('a failure before the answer is metered once with its status and thrown; nothing stored or streamed', async () => {
    const { pipeline, metered, turns, untrack } = setUp(() => Promise.reject(Errors.internal()));
    const { door: d, stream } = door('completed');
    await expect(pipeline.execute(input(), d)).rejects.toMatchObject({ status: 500 });
    expect(metered.finish).toHaveBeenCalledTimes(1);
    expect(metered.finish).toHaveBeenCalledWith(expect.anything(), { status: 'upstream_error', usage: null });
    expect(turns.complete).not.toHaveBeenCalled();
    expect(stream).not.toHaveBeenCalled();
    expect(untrack).toHaveBeenCalledTimes(1);
  });

  it('a malformed session id is a 400 before admission', async () => {
    const { pipeline, metered } = setUp();
    const { door: d } = door('completed');
    await expect(pipeline.execute(input({ sessionId: 'bad id!' }), d)).rejects.toMatchObject({ status: 400 });
    expect(metered.begin).not.toHaveBeenCalled();
  });
});

describe("CompletionPipeline: the HTTP route's CallAbort", () => {
  it('is what the use case follows and the tools get, and no WHATWG signal is made of it on the way', async () => {
    const made = jest.spyOn(CallAbort.prototype, 'signal', 'get');
    try {
      const { pipeline, create, tools } = setUp();
      const abort = new CallAbort();
      const { door: d } = door('completed');
      await expect(pipeline.execute(input({ abort }), d)).resolves.toBeUndefined();
      expect(create.execute).toHaveBeenCalledWith(expect.objectContaining({ signal: abort }));
      expect(tools.forRequest).toHaveBeenCalledWith(expect.objectContaining({ abort }));
      expect(made).not.toHaveBeenCalled();
    } finally {
      made.mockRestore();
    }
  });
});

describe('CompletionPipeline: door options', () => {
  it('streamLeaseHeld admits without a lease; providedHistory stores the door’s messages; storeCancelled stores a cancelled turn', async () => {
    const { pipeline, metered, turns } = setUp();
    const onStored = jest.fn();
    const storedMessages = [{ role: 'user' as const, content: 'new turn' }];
    const { door: d } = door('client_disconnected');
    await pipeline.execute(
      input({
        options: { streamLeaseHeld: true, providedHistory: { storedMessages }, storeCancelled: true, onStored },
      }),
      d,
    );
    expect(metered.begin).toHaveBeenCalledWith(principal, request, 'req_1', { streamLeaseHeld: true });
    expect(turns.prepare).not.toHaveBeenCalled();
    expect(turns.prepareProvided).toHaveBeenCalledWith(principal, request, 'chat-1', storedMessages);
    expect(turns.complete).toHaveBeenCalledTimes(1);
    expect(turns.complete).toHaveBeenCalledWith(
      principal,
      'req_1',
      expect.objectContaining({ clientMessages: storedMessages }),
      expect.objectContaining({ message: expect.objectContaining({ content: 'hello' }) }),
      null,
    );
    expect(onStored).toHaveBeenCalledTimes(1);
    expect(metered.finish).toHaveBeenCalledWith(expect.anything(), expect.objectContaining({ status: 'cancelled' }));
  });

  it('by default (HTTP) a stream takes its own lease and the session history is prepended', async () => {
    const { pipeline, metered, turns } = setUp();
    const { door: d } = door('completed');
    await pipeline.execute(input(), d);
    expect(metered.begin).toHaveBeenCalledWith(principal, request, 'req_1', { streamLeaseHeld: false });
    expect(turns.prepare).toHaveBeenCalledWith(principal, request, 'chat-1');
  });

  it('exposes the session-id rule the doors validate with', () => {
    expect(ConversationTurns.sessionIdOf(undefined)).toBeNull();
    expect(ConversationTurns.sessionIdOf('abc:1')).toBe('abc:1');
  });
});

describe('CompletionPipeline: admission overlapped with the provider call (quotas.overlapAdmission)', () => {
  /** An admission decided only when the test says so. */
  function deferred() {
    let decide!: { grant: () => void; refuse: (error: unknown) => void };
    const overlapped = (granted: unknown) => {
      const admission = new Promise((resolve, reject) => {
        decide = { grant: () => resolve(granted), refuse: reject };
      });
      return { admission, overlap: true };
    };
    return { overlapped, decide: () => decide };
  }
  it('calls the provider before the admission is decided, hands it the admission to wait for, and admits the door once granted', async () => {
    const admission = deferred();
    const order: string[] = [];
    const { pipeline, metered, metrics } = setUp(async (command) => {
      order.push('provider called');
      admission.decide().grant();
      await command.admitted;
      order.push('admission awaited');
      return streamResult();
    }, admission.overlapped);
    const { door: d } = door('completed');
    (d.admitted as jest.Mock).mockImplementation(() => order.push('door admitted'));
    await expect(pipeline.execute(input(), d)).resolves.toBeUndefined();
    expect(order).toEqual(['provider called', 'door admitted', 'admission awaited']);
    expect(metered.finish).toHaveBeenCalledTimes(1);
    expect(metered.finish).toHaveBeenCalledWith(expect.anything(), expect.objectContaining({ status: 'completed' }));
    expect(metrics.overlappedAdmission).toHaveBeenCalledWith(true);
  });

  it('a refusal aborts the call in flight with a reason that is not a provider failure, and is what the client gets; nothing metered or streamed', async () => {
    const admission = deferred();
    let aborted: unknown;
    const { pipeline, metered, metrics, untrack } = setUp(
      (command) =>
        new Promise((_resolve, reject) => {
          onAbort(command.signal, () => {
            aborted = command.signal.reason;
            reject(command.signal.reason as Error);
          });
          admission.decide().refuse(new GatewayError(429, 'requests', 'rate_limit_exceeded', 'Rate limit reached'));
        }),
      admission.overlapped,
    );
    const { door: d, stream } = door('completed');
    // The HTTP route's kind of abort; nothing on the way makes a WHATWG signal of it.
    const made = jest.spyOn(CallAbort.prototype, 'signal', 'get');
    const abort = new CallAbort();
    await expect(pipeline.execute(input({ abort }), d)).rejects.toMatchObject({ status: 429 });
    expect(made).not.toHaveBeenCalled();
    made.mockRestore();
    expect(abort.reason).toBeInstanceOf(AdmissionRefusedError);
    expect(aborted).toBeInstanceOf(AdmissionRefusedError);
    expect(aborted).not.toBeInstanceOf(GatewayError);
    expect(d.admitted).not.toHaveBeenCalled();
    expect(stream).not.toHaveBeenCalled();
    expect(metered.finish).not.toHaveBeenCalled();
    expect(metrics.overlappedAdmission).toHaveBeenCalledWith(false);
    expect(untrack).toHaveBeenCalledTimes(1);
  });

  it('a refusal while nothing awaits it (the call in flight fails later, another way) is still the answer', async () => {
    const admission = deferred();
    const { pipeline, metered } = setUp(async () => {
      admission.decide().refuse(new GatewayError(429, 'requests', 'rate_limit_exceeded', 'Rate limit reached'));
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw Errors.internal();
    }, admission.overlapped);
    const { door: d } = door('completed');
    await expect(pipeline.execute(input(), d)).rejects.toMatchObject({ status: 429 });
    expect(metered.finish).not.toHaveBeenCalled();
  });

  it('a provider failure of a granted request is metered once with its status and thrown', async () => {
    const admission = deferred();
    const { pipeline, metered } = setUp(() => {
      admission.decide().grant();
      return Promise.reject(Errors.internal());
    }, admission.overlapped);
    const { door: d } = door('completed');
    await expect(pipeline.execute(input(), d)).rejects.toMatchObject({ status: 500 });
    expect(metered.finish).toHaveBeenCalledTimes(1);
    expect(metered.finish).toHaveBeenCalledWith(expect.anything(), { status: 'upstream_error', usage: null });
  });

  it('not overlapped: the provider is called only once admitted, without an admission to wait for', async () => {
    const { pipeline, metered, create } = setUp();
    const { door: d } = door('completed');
    await pipeline.execute(input(), d);
    expect(metered.begin).toHaveBeenCalledTimes(1);
    expect(create.execute).toHaveBeenCalledWith(expect.not.objectContaining({ admitted: expect.anything() }));
  });
});
