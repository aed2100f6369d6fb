import { GatewayProcess } from './support/gateway-process';

describe('health and readiness', () => {
  it('reports live and ready with Redis up', async () => {
    const gateway = await GatewayProcess.start();
    try {
      const health = await fetch(`${gateway.url}/healthz`);
      expect(health.status).toBe(200);
      expect(health.headers.get('x-request-id')).toMatch(/^req_/);
      const ready = await fetch(`${gateway.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { config: 'ok', redis: 'ok' } });
      const missing = await fetch(`${gateway.url}/nowhere`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ error: { code: 'unknown_url', type: 'invalid_request_error' } });
    } finally {
      await gateway.stop();
    }
  });

  it('stays live but not ready when Redis is unreachable, and fails requests fast with 503', async () => {
    const gateway = await GatewayProcess.start({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    try {
      expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${gateway.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'unavailable', checks: { config: 'ok', redis: 'unreachable' } });
      const started = Date.now();
      const call = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: 'Bearer sk-vg-whatever' } });
      expect(call.status).toBe(503);
      expect(await call.json()).toMatchObject({ error: { code: 'store_unavailable', type: 'server_error' } });
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await gateway.stop({ flushRedis: false });
    }
  });
});
