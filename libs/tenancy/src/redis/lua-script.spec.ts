import { randomBytes } from 'node:crypto';
import { asCluster, openTestRedis, useTestRedis } from '@voxgate/testing';
import type { Command, Redis } from 'ioredis';
import { LuaScript, scriptHostOf } from './lua-script';

/** Answers what it was given: its KEYS, then its ARGV (a unique comment, so no server has it loaded yet). */
function echoScript(): string {
  return `-- ${randomBytes(8).toString('hex')}\nreturn {KEYS, ARGV}`;
}

/**
 * The names the script calls sent through the client while `action` ran had when written (EVAL or EVALSHA:
 * a call's command is named when it is written), in order; a re-sent call counts again.
 */
async function scriptWrites(redis: Redis, action: () => Promise<unknown>): Promise<string[]> {
  const sent: Command[] = [];
  const send = redis.sendCommand;
  redis.sendCommand = function (this: Redis, command: Command, ...rest: unknown[]) {
    if (/^eval/i.test(command.name)) sent.push(command);
    return (send as (...args: unknown[]) => unknown).call(this, command, ...rest);
  };
  try {
    await action();
  } finally {
    redis.sendCommand = send;
  }
  return sent.map((command) => command.name);
}

/** `SCRIPT FLUSH` on every server the client reaches (each master of a cluster). */
async function flushScripts(redis: Redis): Promise<void> {
  const cluster = asCluster(redis);
  await Promise.all((cluster ? cluster.nodes('master') : [redis]).map((node) => node.script('FLUSH')));
}

describe('LuaScript: a script run with EVALSHA without ioredis’ generic argument handling (real Redis)', () => {
  const testRedis = useTestRedis();
  const keys = ['a:{t:x}:1', 'a:{t:x}:2'];

  it('gives the script its keys under the client’s prefix and its arguments as text, as defineCommand does', async () => {
    const { redis, prefix } = testRedis();
    const lua = echoScript();
    const script = new LuaScript(redis, lua, 2);
    const args = [1796645039255, 'plain', '', -19, 0.5, 'non-ASCII: é 漢 🎙', 'x'.repeat(5000)];

    const reply = await script.run(keys, args);

    expect(reply).toEqual([[`${prefix}a:{t:x}:1`, `${prefix}a:{t:x}:2`], args.map(String)]);
    redis.defineCommand('echoForComparison', { numberOfKeys: 2, lua });
    const defined = (redis as unknown as Record<string, (...all: (string | number)[]) => Promise<unknown>>)
      .echoForComparison;
    await expect(defined!.call(redis, ...keys, ...args)).resolves.toEqual(reply);
  });

  it('sends the body the first time on a connection and the SHA after, and the SHA is what SCRIPT LOAD gives', async () => {
    const { redis } = testRedis();
    const script = new LuaScript(redis, echoScript(), 2);

    expect(await scriptWrites(redis, () => script.run(keys, ['1']))).toEqual(['eval']);
    expect(await scriptWrites(redis, () => script.run(keys, ['2']))).toEqual(['evalsha']);
    expect(await redis.script('LOAD', script.lua)).toBe(script.sha);
  });

  it('after Redis lost its scripts (NOSCRIPT), sends the call again with its body; the caller sees only the reply', async () => {
    const { redis } = testRedis();
    const script = new LuaScript(redis, echoScript(), 2);
    await script.run(keys, ['warm']);
    await flushScripts(redis);

    const writes = await scriptWrites(redis, async () =>
      expect(await script.run(keys, ['after flush'])).toEqual([expect.any(Array), ['after flush']]),
    );
    expect(writes).toEqual(['evalsha', 'eval']);
    expect(await scriptWrites(redis, () => script.run(keys, ['then']))).toEqual(['evalsha']);
  });

  it('in a pipeline: each reply at its index in exec() and in the call’s promise, NOSCRIPT included', async () => {
    const { redis } = testRedis();
    const script = new LuaScript(redis, echoScript(), 2);
    await script.run(keys, ['warm']);
    await flushScripts(redis);
    const pipeline = redis.pipeline();
    const first = script.run(keys, ['one'], scriptHostOf(pipeline));
    pipeline.get('a:{t:x}:1');
    const second = script.run(keys, ['two'], scriptHostOf(pipeline));

    const results = (await pipeline.exec()) ?? [];

    expect(results.map(([error, reply]) => error ?? reply)).toEqual([
      [expect.any(Array), ['one']],
      null,
      [expect.any(Array), ['two']],
    ]);
    await expect(first).resolves.toEqual(results[0]![1]);
    await expect(second).resolves.toEqual(results[2]![1]);
  });

  it('rejects a script error as its own and leaves the client usable', async () => {
    const { redis } = testRedis();
    const failing = new LuaScript(redis, `return redis.error_reply('NOPE ${randomBytes(4).toString('hex')}')`, 0);
    const echo = new LuaScript(redis, echoScript(), 2);

    await expect(failing.run([], [])).rejects.toThrow(/NOPE/);
    await expect(echo.run(keys, ['still'])).resolves.toEqual([expect.any(Array), ['still']]);
  });

  it('refuses a call with the wrong number of keys at once, sending nothing (a pipeline’s other replies keep their places)', async () => {
    const { redis } = testRedis();
    const script = new LuaScript(redis, echoScript(), 2);

    const writes = await scriptWrites(redis, () => {
      expect(() => script.run(['only one'], [])).toThrow('2 keys');
      return Promise.resolve();
    });
    expect(writes).toEqual([]);

    const pipeline = redis.pipeline();
    void script.run(keys, ['first'], scriptHostOf(pipeline));
    expect(() => script.run(['only one'], ['lost'], scriptHostOf(pipeline))).toThrow('2 keys');
    void script.run(keys, ['second'], scriptHostOf(pipeline));
    const results = (await pipeline.exec()) ?? [];
    expect(results.map(([, reply]) => (reply as unknown[])[1])).toEqual([['first'], ['second']]);
  });

  it('keeps the client’s command timeout per call', async () => {
    const slow = openTestRedis({ commandTimeout: 50 });
    try {
      // Busy for 300 ms inside Redis: the call times out on the client after 50 ms.
      const script = new LuaScript(
        slow,
        `local t = redis.call('TIME') local s = t[1] * 1000000 + t[2]
         repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] - s > 300000 return 1`,
        0,
      );
      await expect(script.run([], [])).rejects.toThrow('Command timed out');
    } finally {
      slow.disconnect();
    }
  });
});
