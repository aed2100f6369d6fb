import type { ChatCompletionChunk } from '@voxgate/openai-wire';
import { RealtimeSession } from './realtime-session';
import type { OutgoingServerEvent } from './server-events';
import type { TurnRequest, TurnRunner } from './turn-runner';

const chunk = (extra: object): ChatCompletionChunk => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [],
  ...extra,
});

/** A runner that reports rate limits at admission, then streams an answer after a server tool ran. */
class ReportingRunner implements TurnRunner {
  constructor(private readonly limits: boolean) {}
  async *run(request: TurnRequest): AsyncIterable<ChatCompletionChunk> {
    await Promise.resolve();
    if (this.limits) request.onRateLimits?.([{ name: 'tokens', limit: 1000, remaining: 400, reset_seconds: 12.5 }]);
    yield chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: 'Your order ' }, finish_reason: null }] });
    yield chunk({
      choices: [{ index: 0, delta: { content: 'ships today.' }, finish_reason: null }],
      voxgate: { tool_runs: [{ name: 'lookup_order', status: 'ok', replayed: false }] },
    });
    yield chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  }
}

async function turn(runner: TurnRunner, metadata?: Record<string, string>): Promise<OutgoingServerEvent[]> {
  const events: OutgoingServerEvent[] = [];
  const session = new RealtimeSession({
    model: 'gpt-audio',
    keyId: 'key_1',
    runner,
    emit: (event) => events.push(event),
    maxBufferSeconds: 60,
    lifetimeSeconds: 3600,
  });
  session.start();
  await session.handle(
    JSON.stringify({
      type: 'response.create',
      response: { output_modalities: ['text'], ...(metadata ? { metadata } : {}) },
    }),
  );
  await session.idle();
  return events;
}

describe('RealtimeSession: what a turn reports beyond its chunks', () => {
  it('lists the server tools that ran in response.done metadata, then sends rate_limits.updated', async () => {
    const events = await turn(new ReportingRunner(true), { topic: 'orders' });
    const types = events.map((event) => event.type);
    expect(types.slice(-2)).toEqual(['response.done', 'rate_limits.updated']);
    const created = events.find((event) => event.type === 'response.created');
    const done = events.find((event) => event.type === 'response.done');
    // response.created carries the client's metadata only; the runs are known at the end.
    expect(created && 'response' in created && created.response.metadata).toEqual({ topic: 'orders' });
    expect(done && 'response' in done && done.response.metadata).toEqual({
      topic: 'orders',
      voxgate_tool_runs: '[{"name":"lookup_order","status":"ok"}]',
      voxgate_tool_runs_count: '1',
    });
    expect(events.at(-1)).toMatchObject({
      type: 'rate_limits.updated',
      rate_limits: [{ name: 'tokens', limit: 1000, remaining: 400, reset_seconds: 12.5 }],
    });
  });

  it('sends no rate_limits.updated when the runner reported none', async () => {
    const events = await turn(new ReportingRunner(false));
    expect(events.map((event) => event.type)).not.toContain('rate_limits.updated');
    expect(events.at(-1)?.type).toBe('response.done');
  });
});
