import { useTestRedis } from '@voxgate/testing';
import type { BatchLine } from '../batch-line';
import { batchHarness, completion, RecordingExecutor, requestLine, TENANT } from '../__fixtures__/batch.factory';

/** A stand-in for the gateway's session store: each line sees the turns stored before it started. */
function sessionExecutor() {
  const stored = new Map<string, string[]>();
  const seen = new Map<string, string[]>();
  const executor = new RecordingExecutor(async (line: BatchLine) => {
    const history = line.sessionId ? [...(stored.get(line.sessionId) ?? [])] : [];
    seen.set(line.customId, history);
    // A few turns of the event loop, so overlapping lines would interleave.
    for (let tick = 0; tick < 5; tick++) await new Promise((resolve) => setImmediate(resolve));
    if (line.sessionId) stored.set(line.sessionId, [...history, line.customId]);
    return { statusCode: 200, requestId: `req_${line.customId}`, body: completion(line.customId) };
  });
  return { executor, seen };
}

describe('ProcessBatch: lines naming a session', () => {
  const testRedis = useTestRedis();

  it('runs the lines of one session strictly one after another, in input order', async () => {
    const harness = batchHarness(testRedis().redis, { lineConcurrency: 8 });
    const batchId = await harness.createBatch([
      requestLine('s1', { sessionId: 'call-1' }),
      requestLine('s2', { sessionId: 'call-1' }),
      requestLine('free-1'),
      requestLine('s3', { sessionId: 'call-1' }),
      requestLine('s4', { sessionId: 'call-1' }),
    ]);
    const { executor, seen } = sessionExecutor();
    await harness.processor(executor).execute({ tenantId: TENANT, batchId });

    const session = executor.executions.filter((entry) => entry.line.sessionId === 'call-1');
    expect(session.map((entry) => entry.line.customId)).toEqual(['s1', 's2', 's3', 's4']);
    for (let index = 1; index < session.length; index++)
      expect(session[index]!.startedAt).toBeGreaterThan(session[index - 1]!.endedAt!);
    expect(seen.get('s1')).toEqual([]);
    expect(seen.get('s2')).toEqual(['s1']);
    expect(seen.get('s4')).toEqual(['s1', 's2', 's3']);
    const batch = await harness.batches.get(TENANT, batchId);
    expect(batch?.counts).toEqual({ total: 5, completed: 5, failed: 0 });
  });

  it('runs different sessions and session-less lines at the same time, up to the concurrency', async () => {
    const harness = batchHarness(testRedis().redis, { lineConcurrency: 3 });
    const batchId = await harness.createBatch([
      requestLine('a1', { sessionId: 'A' }),
      requestLine('b1', { sessionId: 'B' }),
      requestLine('a2', { sessionId: 'A' }),
      requestLine('b2', { sessionId: 'B' }),
      requestLine('x'),
      requestLine('y'),
    ]);
    const { executor } = sessionExecutor();
    await harness.processor(executor).execute({ tenantId: TENANT, batchId });

    const byId = new Map(executor.executions.map((entry) => [entry.line.customId, entry]));
    const overlap = (left: string, right: string) =>
      byId.get(left)!.startedAt < byId.get(right)!.endedAt! && byId.get(right)!.startedAt < byId.get(left)!.endedAt!;
    expect(overlap('a1', 'b1')).toBe(true);
    expect(overlap('a1', 'a2')).toBe(false);
    expect(overlap('b1', 'b2')).toBe(false);
    expect(executor.maxRunning).toBe(3);
  });
});
