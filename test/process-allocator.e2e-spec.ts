import { existsSync } from 'node:fs';
import { GatewayProcess } from './support/gateway-process';

/**
 * The gateway on the C allocator it finds itself on: glibc's by default, jemalloc when preloaded as the
 * Docker image does (`LD_PRELOAD`, `MALLOC_CONF`; docs/deployment.md). It names the allocator when it
 * starts listening, and its idle trim gives that allocator's free memory back (jemalloc: a purge of every
 * arena through `mallctl`; glibc: `malloc_trim`), logged at debug level with the allocator's name.
 */
const JEMALLOC = ['/usr/lib/x86_64-linux-gnu/libjemalloc.so.2', '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2'].find(
  (candidate) => existsSync(candidate),
);

/** Each quiet window after boot trims (the first three): a short window shows one within seconds. */
const QUICK_TRIMS = { server: { idleTrimMs: 200 } };

async function trimmedOn(env: Record<string, string>): Promise<{ listening: string; trimmed: string }> {
  const gateway = await GatewayProcess.start({ config: QUICK_TRIMS, env: { LOG_LEVEL: 'debug', ...env } });
  try {
    await gateway.waitForOutput(/"msg":"memory trimmed"/, 10_000);
    // Still serving after its trims.
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    const line = (msg: string) => gateway.output.split('\n').find((text) => text.includes(`"msg":"${msg}"`)) ?? '';
    return { listening: line('listening'), trimmed: line('memory trimmed') };
  } finally {
    await gateway.stop();
  }
}

describe('the process allocator', () => {
  it('is the C library’s by default, and the idle trim runs through it', async () => {
    const { listening, trimmed } = await trimmedOn({});
    expect(JSON.parse(listening)).toMatchObject({ allocator: 'libc' });
    expect(JSON.parse(trimmed)).toMatchObject({ allocator: 'libc', released: true, rssBefore: expect.any(Number) });
  });

  (JEMALLOC || process.env.CI === 'true' ? it : it.skip)(
    'is jemalloc when preloaded (the Docker image), and the idle trim purges its arenas',
    async () => {
      if (!JEMALLOC) throw new Error('no libjemalloc.so.2 (apt-get install libjemalloc2)');
      const { listening, trimmed } = await trimmedOn({ LD_PRELOAD: JEMALLOC, MALLOC_CONF: 'narenas:1' });
      expect(JSON.parse(listening)).toMatchObject({ allocator: 'jemalloc' });
      expect(JSON.parse(trimmed)).toMatchObject({
        allocator: 'jemalloc',
        released: true,
        rssAfter: expect.any(Number),
      });
    },
  );
});
