import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { createGuardedFetch } from './guarded-fetch';
import { type HostResolver, SsrfGuard, SsrfRefusedError, findSsrfRefusal } from './ssrf-guard';

/** A loopback server that answers `ok`, or redirects `/to?url=...`. */
async function startServer(): Promise<{ server: Server; port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((request, response) => {
    hits.push(`${request.method} ${request.url} ${String(request.headers['x-secret'] ?? '-')}`);
    const url = new URL(request.url ?? '/', 'http://x');
    if (url.pathname === '/to') {
      response.writeHead(302, { location: url.searchParams.get('url') ?? '/' }).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, hits };
}

async function refusal(promise: Promise<unknown>): Promise<SsrfRefusedError> {
  try {
    await promise;
  } catch (error) {
    const found = findSsrfRefusal(error);
    if (found) return found;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('SsrfGuard', () => {
  let target: Awaited<ReturnType<typeof startServer>>;
  const guards: SsrfGuard[] = [];
  const guard = (allowList: string[], resolver?: HostResolver) => {
    const created = new SsrfGuard(allowList, resolver);
    guards.push(created);
    return created;
  };

  beforeAll(async () => {
    target = await startServer();
  });
  afterAll(async () => {
    await Promise.all(guards.map((created) => created.close()));
    await new Promise((resolve) => target.server.close(resolve));
  });

  describe('check (registration)', () => {
    const strict = () => guard([]);

    it.each([
      ['http://127.0.0.1:8080/tool', /127\.0\.0\.1' is not reachable by tools: it is a loopback address/],
      ['http://10.0.0.7/tool', /private address/],
      ['http://169.254.169.254/latest/meta-data/', /link-local address/],
      ['http://[::1]:8080/', /loopback address/],
      ['http://[::ffff:127.0.0.1]/', /IPv4-embedding \(loopback\)/],
      ['http://localhost:8080/', /it resolves to .*loopback address/],
      ['ftp://example.com/', /scheme 'ftp:' is not allowed/],
      ['http://user:pass@example.com/', /credentials in the URL/],
    ])('refuses %s when not allow-listed', async (url, message) => {
      await expect(strict().check(new URL(url))).rejects.toThrow(message);
    });

    it('refuses a host name if any one of its addresses is private', async () => {
      const resolver: HostResolver = () =>
        Promise.resolve([
          { address: '93.184.216.34', family: 4 },
          { address: '10.0.0.1', family: 4 },
        ]);
      await expect(guard([], resolver).check(new URL('http://mixed.example/'))).rejects.toThrow(
        /10\.0\.0\.1, a private/,
      );
    });

    it('refuses a host that does not resolve', async () => {
      const resolver: HostResolver = () => Promise.reject(Object.assign(new Error('nx'), { code: 'ENOTFOUND' }));
      await expect(guard([], resolver).check(new URL('http://nowhere.invalid/'))).rejects.toThrow(
        /does not resolve \(ENOTFOUND\)/,
      );
    });

    it('accepts allow-listed loopback', async () => {
      await expect(guard(['127.0.0.0/8']).check(new URL('http://127.0.0.1/'))).resolves.toEqual([
        { address: '127.0.0.1', family: 4 },
      ]);
    });
  });

  describe('guarded fetch', () => {
    it('reaches an allow-listed loopback server', async () => {
      const fetch = createGuardedFetch(guard(['127.0.0.0/8']));
      const response = await fetch(`http://127.0.0.1:${target.port}/hello`);
      expect(await response.text()).toBe('ok');
    });

    it('refuses loopback (literal and by name) when not allow-listed, without connecting', async () => {
      const fetch = createGuardedFetch(guard([]));
      const before = target.hits.length;
      expect((await refusal(fetch(`http://127.0.0.1:${target.port}/`))).reason).toMatch(/loopback/);
      expect((await refusal(fetch(`http://localhost:${target.port}/`))).reason).toMatch(/loopback/);
      expect(target.hits.length).toBe(before);
    });

    it('pins the connection to the checked answer: a rebinding DNS cannot slip in a private address', async () => {
      // The first answer (a public address) passes an up-front check; the connection's own lookup then
      // gets loopback, which is checked again and refused instead of being connected to.
      let calls = 0;
      const rebinding: HostResolver = (): Promise<LookupAddress[]> =>
        Promise.resolve(
          ++calls === 1 ? [{ address: '93.184.216.34', family: 4 }] : [{ address: '127.0.0.1', family: 4 }],
        );
      const rebound = guard([], rebinding);
      await rebound.check(new URL(`http://rebind.test:${target.port}/`));
      const before = target.hits.length;
      const refused = await refusal(createGuardedFetch(rebound)(`http://rebind.test:${target.port}/`));
      expect(refused.reason).toMatch(/127\.0\.0\.1, a loopback/);
      expect(target.hits.length).toBe(before);
    });

    it('connects to exactly the address its lookup checked', async () => {
      const resolver: HostResolver = () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
      const fetch = createGuardedFetch(guard(['127.0.0.0/8'], resolver));
      const response = await fetch(`http://tool.test:${target.port}/pinned`);
      expect(await response.text()).toBe('ok');
      expect(target.hits.at(-1)).toMatch(/^GET \/pinned/);
    });

    it('follows a redirect to an allowed address, re-checking it', async () => {
      const fetch = createGuardedFetch(guard(['127.0.0.0/8']));
      const response = await fetch(`http://127.0.0.1:${target.port}/to?url=/final`);
      expect(response.status).toBe(200);
      expect(target.hits.at(-1)).toMatch(/^GET \/final/);
    });

    it('refuses a redirect to a private address', async () => {
      // Only the one server is allow-listed: the redirect to the metadata address must be refused.
      const fetch = createGuardedFetch(guard(['127.0.0.1/32']));
      const location = encodeURIComponent('http://169.254.169.254/latest/meta-data/');
      const refused = await refusal(fetch(`http://127.0.0.1:${target.port}/to?url=${location}`));
      expect(refused.reason).toMatch(/link-local/);
    });

    it('drops the tool headers on a redirect to another origin', async () => {
      const fetch = createGuardedFetch(guard(['127.0.0.0/8']));
      const other = `http://localhost:${target.port}/elsewhere`;
      await fetch(`http://127.0.0.1:${target.port}/to?url=${encodeURIComponent(other)}`, {
        headers: { 'x-secret': 's3cr3t' },
      });
      expect(target.hits.slice(-2)).toEqual([expect.stringMatching(/s3cr3t$/), 'GET /elsewhere -']);
    });

    it('stops after too many redirects', async () => {
      const fetch = createGuardedFetch(guard(['127.0.0.0/8']), 2);
      let url = '/final';
      for (let i = 0; i < 3; i++) url = `/to?url=${encodeURIComponent(url)}`;
      await expect(fetch(`http://127.0.0.1:${target.port}${url}`)).rejects.toThrow(/more than 2 redirects/);
    });

    it("returns the 3xx itself when the caller asks for redirect: 'manual'", async () => {
      const fetch = createGuardedFetch(guard(['127.0.0.0/8']));
      const response = await fetch(`http://127.0.0.1:${target.port}/to?url=/x`, { redirect: 'manual' });
      expect(response.status).toBe(302);
    });
  });
});
