import type { ChainableCommander } from 'ioredis';

/** Runs a MULTI or pipeline and fails loudly if any command in it failed (ioredis only reports them per command). */
export async function execAll(commands: ChainableCommander): Promise<unknown[]> {
  const results = (await commands.exec()) ?? [];
  const failed = results.find(([error]) => error !== null);
  if (failed?.[0]) throw failed[0];
  return results.map(([, value]) => value);
}

export function isHash(value: unknown): value is Record<string, string> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
