import { randomBytes } from 'node:crypto';
import { QuotaRepository, windowsAt } from '@voxgate/tenancy';
import { Redis } from 'ioredis';
import { isRedisOutage } from './redis-outage';
import { RedisTickBatch } from './redis-tick-batch';

describe('RedisTickBatch (real Redis)', () => {
  // The apps may not use @voxgate/testing: a client of the test Redis under a key prefix of its own.
  const prefix = `vgtest:${randomBytes(6).toString('hex')}:`;
  let redis: Redis;
  const testRedis = () => ({ redis });
  beforeEach(() => {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      keyPrefix: prefix,
      maxRetriesPerRequest: 1,
    });
  });
  afterEach(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys.map((key) => key.slice(prefix.length)));
    redis.disconnect();
  });

  /** Counts the socket writes of `redis`'s connection (a corked batch is one `_writev`; a lone write one `_write`). */
  function socketWrites(redis: Redis): { count: () => number } {
    const socket = redis.stream as unknown as { _write: () => void; _writev: () => void };
    const writes = [jest.spyOn(socket, '_write'), jest.spyOn(socket, '_writev')];
    return { count: () => writes.reduce((sum, spy) => sum + spy.mock.calls.length, 0) };
  }

  it("outside a cluster, sends one turn's commands as one socket write, whatever their tags, in order, each resolving with its own reply", async () => {
    const { redis } = testRedis();
    await redis.ping();
    const pipelines = jest.spyOn(redis, 'pipeline');
    const writes = socketWrites(redis);
    const batch = new RedisTickBatch(redis, false);
    const replies = [
      batch.add('t:a', (pipeline) => pipeline.incrby('counter:{t:a}', 2)),
      batch.add('t:b', (pipeline) => pipeline.set('value:{t:b}', 'x')),
      batch.add('t:a', (pipeline) => pipeline.incrby('counter:{t:a}', 3)),
    ];
    await expect(Promise.all(replies)).resolves.toEqual([2, 'OK', 5]);
    expect(writes.count()).toBe(1);

    // The next turn is a write of its own.
    const next = [
      batch.add('t:a', (pipeline) => pipeline.get('counter:{t:a}')),
      batch.add('t:b', (pipeline) => pipeline.get('value:{t:b}')),
    ];
    await expect(Promise.all(next)).resolves.toEqual(['5', 'x']);
    expect(writes.count()).toBe(2);
    // Plain commands on one connection: an ioredis pipeline would cost as much again in client CPU.
    expect(pipelines).not.toHaveBeenCalled();
  });

  it('sends a command alone in its turn as a plain command, without a pipeline, with its own reply or error', async () => {
    const { redis } = testRedis();
    const pipelines = jest.spyOn(redis, 'pipeline');
    const batch = new RedisTickBatch(redis, false);
    await expect(batch.add('t:a', (commander) => commander.incrby('counter:{t:a}', 4))).resolves.toBe(4);
    await redis.set('text:{t:a}', 'not a number');
    await expect(batch.add('t:a', (commander) => commander.incrby('text:{t:a}', 1))).rejects.toThrow(/not an integer/);
    const thrown = batch.add('t:a', () => {
      throw new Error('no such command');
    });
    await expect(thrown).rejects.toThrow('no such command');
    expect(pipelines).not.toHaveBeenCalled();
    expect(await redis.get('counter:{t:a}')).toBe('4');
  });

  it('sends nothing before the end of the turn (microtasks included), then sends it, alone or in a pipeline', async () => {
    const { redis } = testRedis();
    const batch = new RedisTickBatch(redis, false);
    for (const count of [1, 3]) {
      let queued = 0;
      const replies = Array.from({ length: count }, (_, index) =>
        batch.add('t:a', (commander) => {
          queued++;
          return commander.set(`late:{t:a}:${count}:${index}`, '1');
        }),
      );
      await Promise.resolve();
      await new Promise<void>((resolve) => process.nextTick(resolve));
      expect(queued).toBe(0);
      expect(await redis.exists(`late:{t:a}:${count}:0`)).toBe(0);
      await expect(Promise.all(replies)).resolves.toEqual(Array(count).fill('OK'));
      expect(queued).toBe(count);
      expect(await redis.get(`late:{t:a}:${count}:${count - 1}`)).toBe('1');
    }
  });

  it('on a cluster, one pipeline per hash tag and turn (a pipeline must stay in one slot)', async () => {
    const { redis } = testRedis();
    const pipelines = jest.spyOn(redis, 'pipeline');
    const batch = new RedisTickBatch(redis, true);
    const replies = [
      batch.add('t:a', (pipeline) => pipeline.incrby('counter:{t:a}', 1)),
      batch.add('t:b', (pipeline) => pipeline.incrby('counter:{t:b}', 1)),
      batch.add('t:a', (pipeline) => pipeline.incrby('counter:{t:a}', 1)),
      batch.add('t:b', (pipeline) => pipeline.incrby('counter:{t:b}', 1)),
      batch.add('t:c', (commander) => commander.incrby('counter:{t:c}', 1)),
    ];
    await expect(Promise.all(replies)).resolves.toEqual([1, 1, 2, 2, 1]);
    // Tags a and b each a pipeline; c, alone in its slot this turn, a plain command.
    expect(pipelines).toHaveBeenCalledTimes(2);
  });

  it("a command's error rejects that command only, as does a queue that throws", async () => {
    const { redis } = testRedis();
    await redis.set('text:{t:a}', 'not a number');
    const batch = new RedisTickBatch(redis, false);
    const failing = batch.add('t:a', (pipeline) => pipeline.incrby('text:{t:a}', 1));
    const thrown = batch.add('t:a', () => {
      throw new Error('no such command');
    });
    const fine = batch.add('t:a', (pipeline) => pipeline.incrby('counter:{t:a}', 1));
    const [failed, threw, succeeded] = await Promise.allSettled([failing, thrown, fine]);
    expect(failed).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/not an integer/) } });
    expect(threw).toMatchObject({ status: 'rejected', reason: { message: 'no such command' } });
    expect(succeeded).toEqual({ status: 'fulfilled', value: 1 });
  });

  it("carries admissions: one turn's reservations on three replicas are one write each, and exactly the limit is admitted", async () => {
    const { redis } = testRedis();
    const others = [redis.duplicate(), redis.duplicate()];
    try {
      const connections = [redis, ...others];
      await Promise.all(connections.map((connection) => connection.ping()));
      const replicas = connections.map(
        (connection) => new QuotaRepository(connection, new RedisTickBatch(connection, false)),
      );
      await replicas[0]!.setLimits({ kind: 'tenant', tenantId: 'ten_1' }, { requests_per_minute: 7 });
      const writes = connections.map(socketWrites);
      const nowMs = Date.UTC(2030, 4, 14, 10, 20, 15, 500);
      const outcomes = await Promise.all(
        Array.from({ length: 60 }, (_, index) =>
          replicas[index % 3]!.reserve({
            principal: { tenantId: 'ten_1', keyId: 'key_a', scope: 'client' },
            estimate: { tokens: 10, spendMicros: 0, audioMs: 0 },
            stream: false,
            leaseId: '',
            leaseExpiresAtMs: nowMs + 30_000,
            nowMs,
            windows: windowsAt(nowMs),
            dryRun: false,
          }),
        ),
      );
      expect(outcomes.filter((outcome) => outcome.admitted)).toHaveLength(7);
      expect(outcomes.filter((outcome) => !outcome.admitted)[0]?.refusal).toMatchObject({
        scope: 'tenant',
        limit: 'requests_per_minute',
        max: 7,
      });
      for (const written of writes) expect(written.count()).toBe(1);
      expect(await redis.get(`quota:{t:ten_1}:rpm:${windowsAt(nowMs).minute}`)).toBe('7');
    } finally {
      for (const connection of others) connection.disconnect();
    }
  });

  it('with the connection down, every command of the turn rejects with an outage error', async () => {
    // No offline queue, as the gateway's client: a closed connection fails each command at once.
    const down = new Redis(1, '127.0.0.1', { lazyConnect: true, enableOfflineQueue: false });
    down.disconnect();
    const batch = new RedisTickBatch(down, false);
    const replies = [
      batch.add('t:a', (pipeline) => pipeline.incrby('counter:{t:a}', 1)),
      batch.add('t:a', (pipeline) => pipeline.incrby('counter:{t:a}', 1)),
    ];
    await new Promise<void>((resolve) => setImmediate(resolve));
    replies.push(batch.add('t:a', (commander) => commander.incrby('counter:{t:a}', 1)));
    for (const reply of replies) {
      const error = await reply.catch((caught: unknown) => caught);
      expect(isRedisOutage(error)).toBe(true);
    }
  });
});
