import { keySlot } from './key-slot';
import { createTestRedis, type TestRedis } from './test-redis';
import { testRedisTarget } from './test-redis-target';

describe('keySlot', () => {
  it('matches the Redis Cluster specification examples', () => {
    // CRC16-XMODEM("123456789") = 0x31C3 (the spec's test vector), 12739 mod 16384.
    expect(keySlot('123456789')).toBe(12739);
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('')).toBe(0);
  });

  it('hashes only the first non-empty {tag}', () => {
    expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'));
    expect(keySlot('voxgate:quota:{t:ten_1}:rpm:1')).toBe(keySlot('t:ten_1'));
    expect(keySlot('foo{}{bar}')).toBe(keySlot('foo{}{bar}')); // empty tag: the whole key
    expect(keySlot('foo{}{bar}')).not.toBe(keySlot('bar'));
    expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar'));
  });
});

const single = testRedisTarget().mode === 'single';
(single ? describe : describe.skip)('guardSlots on a single Redis (what a cluster would refuse)', () => {
  let test: TestRedis;
  beforeEach(async () => {
    test = await createTestRedis();
  });
  afterEach(async () => {
    // Cleanup throws for recorded pipeline violations: those tests assert it themselves.
    await test.cleanup().catch(() => undefined);
  });

  it('lets single-slot commands, scripts and transactions through', async () => {
    const { redis } = test;
    await redis.del('{t:a}:x', '{t:a}:y');
    await redis.eval("return redis.call('SET', KEYS[1], ARGV[1])", 2, '{t:a}:x', '{t:a}:y', '1');
    await redis.multi().set('{t:a}:x', '2').incr('{t:a}:y').exec();
    expect(await redis.get('{t:a}:x')).toBe('2');
  });

  it('refuses a multi-key command and a script whose keys span slots, before sending them', async () => {
    const { redis } = test;
    await expect(redis.del('{t:a}:x', '{t:b}:x')).rejects.toThrow(/^CROSSSLOT: multi-key command del/);
    await expect(redis.eval("return redis.call('SET', KEYS[2], '1')", 2, '{t:a}:x', '{t:b}:y')).rejects.toThrow(
      /^CROSSSLOT: script eval/,
    );
    expect(await test.keys()).toEqual([]);
  });

  it('records a MULTI and a pipeline that span slots, and fails the cleanup', async () => {
    const { redis } = test;
    await redis.multi().set('{t:a}:x', '1').set('{t:b}:x', '1').exec();
    await redis.pipeline().get('{t:a}:x').get('{t:c}:x').exec();
    const cleanup = test.cleanup();
    await expect(cleanup).rejects.toThrow(/CROSSSLOT: pipeline set .*\{t:b\}:x/);
    await expect(cleanup).rejects.toThrow(/CROSSSLOT: pipeline get .*\{t:c\}:x/);
  });
});

(single ? describe.skip : describe)('keySlot on a Redis Cluster', () => {
  it('agrees with CLUSTER KEYSLOT', async () => {
    const test = await createTestRedis();
    try {
      for (const key of ['foo', 'voxgate:quota:{t:ten_1}:rpm:1', '{voxgate:bull}:batches:wait', 'a{}b', 'tenants']) {
        expect(Number(await test.redis.call('CLUSTER', 'KEYSLOT', key))).toBe(keySlot(key));
      }
    } finally {
      await test.cleanup();
    }
  });
});
