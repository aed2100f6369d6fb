import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';

/** A Lua script registered on a connection: call with KEYS then ARGV, as one flat list. */
export type RedisScript = (...keysThenArgs: (string | number)[]) => Promise<unknown>;

/**
 * Registers `file` (next to the calling repository, named `<name>-<numberOfKeys>.lua`) as an ioredis
 * command once per connection and returns it bound. ioredis runs it with EVALSHA and applies the key
 * prefix to KEYS, never to ARGV.
 */
export function defineScript(redis: Redis, directory: string, file: string): RedisScript {
  const match = /-(\d+)\.lua$/.exec(file);
  if (!match) throw new Error(`${file}: Lua file names end with -<number of keys>.lua`);
  const command = `voxgateTools_${file.replace(/\.lua$/, '').replace(/[^a-zA-Z0-9]/g, '_')}`;
  if (!(command in redis)) {
    redis.defineCommand(command, {
      numberOfKeys: Number(match[1]),
      lua: readFileSync(path.join(directory, file), 'utf8'),
    });
  }
  const script = (redis as unknown as Record<string, RedisScript>)[command];
  if (!script) throw new Error(`${file}: could not register the script`);
  return script.bind(redis);
}

/** Runs a MULTI or pipeline and throws the first per-command error (ioredis reports them per command). */
export async function execAll(commands: { exec(): Promise<[Error | null, unknown][] | null> }): Promise<unknown[]> {
  const results = (await commands.exec()) ?? [];
  const failed = results.find(([error]) => error !== null);
  if (failed?.[0]) throw failed[0];
  return results.map(([, value]) => value);
}

/** The hash tag every key of one tenant carries, so a tenant's keys share one Redis Cluster slot. */
export function tenantTag(tenantId: string): string {
  return `{t:${tenantId}}`;
}
