import { useRelayEnv } from './support/e2e-env';
import { ALIAS } from './support/relay-config';
import { websocketHandshake } from './support/websocket-handshake';

const APP = 'https://app.example.com';
const OTHER_TENANTS_APP = 'https://other.example.com';
const EVIL = 'https://evil.example.com';

/** A WebSocket handshake's status (a refusal's status is what matters here). */
const handshake = async (url: string, headers: Record<string, string>): Promise<number> =>
  (await websocketHandshake(url, headers)).status;

describe('CORS and Origin checks', () => {
  const env = useRelayEnv({}, { server: { cors: { origins: [APP, OTHER_TENANTS_APP], maxAgeSeconds: 120 } } });

  beforeAll(async () => {
    const { gateway, tenantId } = env();
    const updated = await gateway.admin('PATCH', `/admin/tenants/${tenantId}`, { cors_origins: [APP] });
    expect(updated).toMatchObject({ status: 200, body: { id: tenantId, cors_origins: [APP] } });
  });

  const preflight = (origin: string | null, path = '/v1/chat/completions') =>
    fetch(`${env().gateway.url}${path}`, {
      method: 'OPTIONS',
      headers: {
        ...(origin ? { origin } : {}),
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, x-stainless-os, x-session-id',
      },
    });

  it('answers the preflight of a listed origin with the allowed methods and headers', async () => {
    for (const path of ['/v1/chat/completions', '/v1/realtime/client_secrets', '/v1/models']) {
      const response = await preflight(APP, path);
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(APP);
      expect(response.headers.get('vary')).toMatch(/Origin/);
      expect(response.headers.get('access-control-allow-methods')).toMatch(/POST/);
      const allowed = response.headers.get('access-control-allow-headers')!.split(', ');
      expect(allowed).toEqual(
        expect.arrayContaining(['authorization', 'content-type', 'x-session-id', 'idempotency-key', 'x-stainless-os']),
      );
      expect(response.headers.get('access-control-max-age')).toBe('120');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('refuses the preflight of any other origin, or none, without CORS headers', async () => {
    for (const origin of [EVIL, null, 'null', `${APP}/`]) {
      const response = await preflight(origin);
      expect(response.status).toBe(403);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('origin_not_allowed');
    }
  });

  it("serves the tenant's origin with CORS headers; refuses a foreign one, and another tenant's", async () => {
    const { gateway, key } = env();
    const call = (origin?: string) =>
      fetch(`${gateway.url}/v1/models`, {
        headers: { authorization: `Bearer ${key}`, ...(origin ? { origin } : {}) },
      });

    const allowed = await call(APP);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP);
    const exposed = allowed.headers.get('access-control-expose-headers')!;
    expect(exposed).toContain('x-request-id');
    expect(exposed).toContain('x-ratelimit-remaining-requests');

    // Listed gateway-wide (its preflight passes) but not by this tenant: refused after authentication.
    const otherTenants = await call(OTHER_TENANTS_APP);
    expect(otherTenants.status).toBe(403);
    expect(((await otherTenants.json()) as { error: { code: string } }).error.code).toBe('origin_not_allowed');

    // Not listed anywhere: refused, and no CORS header lets a page read even the refusal.
    const evil = await call(EVIL);
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();

    // Servers send no Origin and are not affected; nor is a page the gateway itself served (same origin).
    expect((await call()).status).toBe(200);
    expect((await call(gateway.url)).status).toBe(200);
  });

  it('checks a WebSocket handshake’s Origin against the same list', async () => {
    const { gateway, key } = env();
    const url = `${gateway.url}/v1/realtime?model=${ALIAS}`;
    const auth = { authorization: `Bearer ${key}` };
    expect(await handshake(url, { ...auth, origin: APP })).toBe(101);
    expect(await handshake(url, { ...auth, origin: EVIL })).toBe(403);
    expect(await handshake(url, { ...auth, origin: OTHER_TENANTS_APP })).toBe(403);
    expect(await handshake(url, auth)).toBe(101);
  });

  it('validates the admin input: origins as browsers send them', async () => {
    const { gateway, tenantId } = env();
    for (const bad of [
      'https://app.example.com/',
      'https://app.example.com/path',
      'ftp://x.example',
      '*',
      'HTTPS://APP.EXAMPLE.COM',
    ]) {
      const response = await gateway.admin('PATCH', `/admin/tenants/${tenantId}`, { cors_origins: [bad] });
      expect(response.status).toBe(400);
    }
    expect((await gateway.admin('PATCH', '/admin/tenants/ten_nobody', { cors_origins: [] })).status).toBe(404);
    expect((await gateway.admin('GET', `/admin/tenants/${tenantId}`)).body).toMatchObject({ cors_origins: [APP] });
  });
});

describe('CORS by default', () => {
  const env = useRelayEnv();

  it('allows no origin at all', async () => {
    const { gateway, key } = env();
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const actual = await fetch(`${gateway.url}/v1/models`, {
      headers: { authorization: `Bearer ${key}`, origin: APP },
    });
    expect(actual.status).toBe(403);
    expect(actual.headers.get('access-control-allow-origin')).toBeNull();
  });
});
