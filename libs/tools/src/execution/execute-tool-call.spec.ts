import { useTestRedis } from '@voxgate/testing';
import { scriptedTool, sleep } from '../__fixtures__/tool-fixtures';
import { failure, ok, ToolNotExecutedError, type ToolContext } from '../tool-module';
import { type ToolCallScope, ToolCallExecutor, toToolMessage } from './execute-tool-call';
import { IdempotencyLedgerRepository } from './idempotency-ledger.repository';
import { ArgumentValidator } from './validate-arguments';

const scope: ToolCallScope = { tenantId: 'ten_a', sessionId: null, requestId: 'req_1', confirmationToken: null };
const call = (args: string, id = 'call_1') => ({ id, name: 'do_thing', arguments: args });

describe('ToolCallExecutor (real Redis ledger)', () => {
  const redis = useTestRedis();
  const executor = (options: ConstructorParameters<typeof ToolCallExecutor>[2] = {}) =>
    new ToolCallExecutor(new IdempotencyLedgerRepository(redis().redis, 60_000), new ArgumentValidator(), {
      pollMs: 5,
      ...options,
    });

  describe('validation', () => {
    it('never executes a call whose arguments fail the schema, and tells the model why', async () => {
      const tool = scriptedTool(() => ok('done'));
      const executed = await executor().execute(tool, call('{"quantity":0}'), scope);
      expect(tool.executions).toHaveLength(0);
      expect(executed.outcome).toMatchObject({ status: 'error', code: 'invalid_arguments' });
      expect(JSON.parse(executed.content)).toEqual({
        status: 'error',
        error: {
          code: 'invalid_arguments',
          message: 'The arguments do not match the tool schema; nothing was executed.',
          details: expect.arrayContaining([
            { path: '/item', message: 'is required' },
            { path: '/quantity', message: 'must be >= 1' },
          ]),
        },
      });
      expect(await redis().keys()).toEqual([]);
    });

    it('answers an unknown tool with an error result', async () => {
      const executed = await executor().execute(undefined, { id: 'c', name: 'nope', arguments: '{}' }, scope);
      expect(executed.outcome).toMatchObject({ status: 'error', code: 'unknown_tool' });
      expect(toToolMessage(executed)).toEqual({ role: 'tool', tool_call_id: 'c', content: executed.content });
    });
  });

  describe('exactly-once side effects', () => {
    it('replays the recorded result for a duplicate call (same arguments in another key order)', async () => {
      let count = 0;
      const tool = scriptedTool(() => ok({ order: ++count }));
      const first = await executor().execute(tool, call('{"item":"tea","quantity":2}'), scope);
      const again = await executor().execute(tool, call('{"quantity":2,"item":"tea"}', 'call_2'), scope);
      expect(tool.executions).toHaveLength(1);
      expect(first.replayed).toBe(false);
      expect(again).toMatchObject({ replayed: true, toolCallId: 'call_2', content: first.content });
      expect(again.outcome).toEqual({ status: 'ok', result: { order: 1 } });
    });

    it('executes once when many identical calls race (several executors, like replicas)', async () => {
      const tool = scriptedTool(async () => {
        await sleep(50);
        return ok('booked');
      });
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => executor().execute(tool, call('{"item":"room"}', `c${i}`), scope)),
      );
      expect(tool.executions).toHaveLength(1);
      expect(results.filter((result) => !result.replayed)).toHaveLength(1);
      expect(results.every((result) => result.outcome.status === 'ok')).toBe(true);
    });

    it('treats another request without a session as another call, and the same session as the same call', async () => {
      const tool = scriptedTool(() => ok('x'));
      await executor().execute(tool, call('{"item":"a"}'), scope);
      await executor().execute(tool, call('{"item":"a"}'), { ...scope, requestId: 'req_2' });
      expect(tool.executions).toHaveLength(2);
      const session = { ...scope, sessionId: 'sess_1' };
      await executor().execute(tool, call('{"item":"a"}'), { ...session, requestId: 'req_3' });
      await executor().execute(tool, call('{"item":"a"}'), { ...session, requestId: 'req_4' });
      expect(tool.executions).toHaveLength(3);
    });

    it('gives the tool a stable idempotency key for the same call', async () => {
      const keys: string[] = [];
      const tool = scriptedTool((_input, ctx) => {
        keys.push(ctx.idempotencyKey);
        return failure('busy', 'try later');
      });
      await executor().execute(tool, call('{"item":"a"}'), scope);
      expect(keys[0]).toMatch(/^[0-9a-f]{64}$/);
    });

    it('records a final error and replays it rather than executing again', async () => {
      const tool = scriptedTool(() => failure('slot_unavailable', 'taken'));
      await executor().execute(tool, call('{"item":"a"}'), scope);
      const again = await executor().execute(tool, call('{"item":"a"}'), scope);
      expect(tool.executions).toHaveLength(1);
      expect(again.replayed).toBe(true);
      expect(again.outcome).toMatchObject({ code: 'slot_unavailable' });
    });

    it('does not record a retryable error or a refusal before sending: an identical call runs again', async () => {
      let attempt = 0;
      const tool = scriptedTool(() => {
        attempt++;
        if (attempt === 1) return { status: 'error', code: 'http_error', message: '503', retryable: true };
        if (attempt === 2) throw new ToolNotExecutedError('refused before sending', 'url_not_allowed');
        return ok('third time');
      });
      expect((await executor().execute(tool, call('{"item":"a"}'), scope)).outcome).toMatchObject({ retryable: true });
      expect((await executor().execute(tool, call('{"item":"a"}'), scope)).outcome).toMatchObject({
        code: 'url_not_allowed',
      });
      expect((await executor().execute(tool, call('{"item":"a"}'), scope)).outcome).toEqual(ok('third time'));
      expect(tool.executions).toHaveLength(3);
    });

    it('does not record confirmation_required, so the confirmed retry can run', async () => {
      const tool = scriptedTool((_input, ctx) =>
        ctx.confirmationToken === null
          ? { status: 'confirmation_required', message: 'confirm', token: 'tok', expiresAt: 'later', summary: {} }
          : ok('charged'),
      );
      const asked = await executor().execute(tool, call('{"item":"a"}'), scope);
      expect(asked.outcome.status).toBe('confirmation_required');
      expect(JSON.parse(asked.content)).toEqual({
        status: 'confirmation_required',
        message: 'confirm',
        expires_at: 'later',
        summary: {},
      });
      const confirmed = await executor().execute(tool, call('{"item":"a"}'), { ...scope, confirmationToken: 'tok' });
      expect(confirmed.outcome).toEqual(ok('charged'));
    });

    it('answers pending to a duplicate that waits longer than allowed for a running call', async () => {
      const tool = scriptedTool(async () => {
        await sleep(300);
        return ok('done');
      });
      const first = executor().execute(tool, call('{"item":"a"}'), scope);
      await sleep(20);
      const duplicate = await executor({ duplicateWaitMs: 50 }).execute(tool, call('{"item":"a"}'), scope);
      expect(duplicate.outcome.status).toBe('pending');
      expect(duplicate.replayed).toBe(true);
      expect((await first).outcome).toEqual(ok('done'));
      expect(tool.executions).toHaveLength(1);
    });
  });

  describe('timeouts', () => {
    it('really aborts: the signal given to the tool fires at the timeout', async () => {
      let seen: ToolContext | undefined;
      const tool = scriptedTool(
        (_input, ctx) => {
          seen = ctx;
          return new Promise((_resolve, reject) =>
            ctx.signal.addEventListener('abort', () => reject(new Error('aborted by signal'))),
          );
        },
        { effect: 'read', timeoutMs: 100 },
      );
      const started = Date.now();
      const executed = await executor().execute(tool, call('{"item":"a"}'), scope);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(seen?.signal.aborted).toBe(true);
      expect(executed.outcome).toMatchObject({ status: 'error', code: 'timeout', retryable: true });
    });

    it('does not wait for a tool that ignores its signal', async () => {
      const tool = scriptedTool(() => sleep(600).then(() => ok('late')), { effect: 'read', timeoutMs: 50 });
      const started = Date.now();
      await executor().execute(tool, call('{"item":"a"}'), scope);
      expect(Date.now() - started).toBeLessThan(400);
      await sleep(600);
    });

    it('records a side effect that times out after sending as pending, and a retry does not execute again', async () => {
      const tool = scriptedTool(
        (_input, ctx) =>
          new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')))),
        { timeoutMs: 80 },
      );
      const first = await executor().execute(tool, call('{"item":"a"}'), scope);
      expect(first.outcome.status).toBe('pending');
      const retry = await executor().execute(tool, call('{"item":"a"}'), scope);
      expect(retry.outcome.status).toBe('pending');
      expect(retry.replayed).toBe(true);
      expect(tool.executions).toHaveLength(1);
    });

    it('replaces pending with the real outcome when a timed-out side effect answers late', async () => {
      const tool = scriptedTool(() => sleep(150).then(() => ok({ id: 'late-result' })), { timeoutMs: 50 });
      expect((await executor().execute(tool, call('{"item":"a"}'), scope)).outcome.status).toBe('pending');
      await sleep(250);
      const retry = await executor().execute(tool, call('{"item":"a"}'), scope);
      expect(retry.outcome).toEqual(ok({ id: 'late-result' }));
      expect(tool.executions).toHaveLength(1);
    });

    it('records a side effect that threw after starting as pending (its outcome is unknown)', async () => {
      const tool = scriptedTool(() => {
        throw new Error('socket hang up');
      });
      expect((await executor().execute(tool, call('{"item":"a"}'), scope)).outcome.status).toBe('pending');
      expect((await executor().execute(tool, call('{"item":"a"}'), scope)).outcome.status).toBe('pending');
      expect(tool.executions).toHaveLength(1);
    });
  });

  describe('client disconnects', () => {
    it('abort read tools', async () => {
      const client = new AbortController();
      let aborted = false;
      const tool = scriptedTool(
        (_input, ctx) =>
          new Promise((resolve) =>
            ctx.signal.addEventListener('abort', () => {
              aborted = true;
              resolve(ok('stopped'));
            }),
          ),
        { effect: 'read', timeoutMs: 5_000 },
      );
      setTimeout(() => client.abort(), 30);
      const executed = await executor().execute(tool, call('{"item":"a"}'), { ...scope, clientSignal: client.signal });
      expect(aborted).toBe(true);
      expect(executed.outcome).toMatchObject({ status: 'error', code: 'cancelled' });
    });

    it('never cancel a side effect once started: it completes and is recorded', async () => {
      const client = new AbortController();
      let signalAborted: boolean | undefined;
      const tool = scriptedTool(async (_input, ctx) => {
        await sleep(100);
        signalAborted = ctx.signal.aborted;
        return ok('committed');
      });
      setTimeout(() => client.abort(), 20);
      const executed = await executor().execute(tool, call('{"item":"a"}'), { ...scope, clientSignal: client.signal });
      expect(signalAborted).toBe(false);
      expect(executed.outcome).toEqual(ok('committed'));
      const replay = await executor().execute(tool, call('{"item":"a"}'), scope);
      expect(replay).toMatchObject({ replayed: true, outcome: ok('committed') });
    });

    it('do not start anything after the client is gone', async () => {
      const client = new AbortController();
      client.abort();
      const tool = scriptedTool(() => ok('x'));
      const executed = await executor().execute(tool, call('{"item":"a"}'), { ...scope, clientSignal: client.signal });
      expect(tool.executions).toHaveLength(0);
      expect(executed.outcome).toMatchObject({ code: 'cancelled' });
    });
  });

  describe('other effect classes', () => {
    it('do not use the ledger: read and idempotent tools run every time', async () => {
      const read = scriptedTool(() => ok('r'), { effect: 'read' });
      const idempotent = scriptedTool(() => ok('i'), { effect: 'idempotent' });
      for (let i = 0; i < 2; i++) {
        await executor().execute(read, call('{"item":"a"}'), scope);
        await executor().execute(idempotent, call('{"item":"a"}'), scope);
      }
      expect(read.executions).toHaveLength(2);
      expect(idempotent.executions).toHaveLength(2);
      expect(await redis().keys()).toEqual([]);
    });

    it('turn a thrown error into a tool error result', async () => {
      const tool = scriptedTool(
        () => {
          throw new Error('boom');
        },
        { effect: 'read' },
      );
      expect((await executor().execute(tool, call('{"item":"a"}'), scope)).outcome).toEqual({
        status: 'error',
        code: 'tool_failed',
        message: 'The tool failed: boom',
      });
    });
  });

  it('executes the calls of one message concurrently, in order', async () => {
    const tool = scriptedTool(
      async (input) => {
        await sleep(input.item === 'slow' ? 60 : 5);
        return ok(input.item ?? null);
      },
      { effect: 'read' },
    );
    const results = await executor().executeAll(
      { get: (name) => (name === 'do_thing' ? tool : undefined) },
      [call('{"item":"slow"}', 'a'), call('{"item":"fast"}', 'b'), { id: 'c', name: 'other', arguments: '{}' }],
      scope,
    );
    expect(results.map((result) => [result.toolCallId, result.content])).toEqual([
      ['a', 'slow'],
      ['b', 'fast'],
      ['c', expect.stringContaining('unknown_tool')],
    ]);
  });
});
