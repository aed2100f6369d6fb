import Fastify, { type FastifyInstance } from 'fastify';
import { type GracefulShutdown, refuseWhileDraining } from './graceful-shutdown';

/** A Fastify app with the hook, a chat-like route and the probes; `draining` is switched by the test. */
function appWith(state: { draining: boolean }): { app: FastifyInstance; handled: string[] } {
  const app = Fastify();
  const handled: string[] = [];
  app.addHook('onRequest', refuseWhileDraining(state as unknown as GracefulShutdown));
  app.post('/v1/chat/completions', () => (handled.push('chat'), { ok: true }));
  app.get('/readyz', () => (handled.push('readyz'), { status: 'ready' }));
  return { app, handled };
}

describe('refuseWhileDraining (an onRequest hook)', () => {
  it('lets every request through while the gateway is not draining', async () => {
    const { app, handled } = appWith({ draining: false });
    const response = await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: {} });
    expect(response.statusCode).toBe(200);
    expect(handled).toEqual(['chat']);
  });

  it('while draining answers 503 server_shutting_down with Connection: close, once, before any handler', async () => {
    const { app, handled } = appWith({ draining: true });
    const response = await app.inject({ method: 'POST', url: '/v1/chat/completions?x=1', payload: {} });
    expect(response.statusCode).toBe(503);
    expect(response.headers.connection).toBe('close');
    expect(response.json()).toEqual({
      error: { message: expect.any(String), type: 'server_error', param: null, code: 'server_shutting_down' },
    });
    expect(handled).toEqual([]);
  });

  it('while draining still lets the probes through (their query string aside)', async () => {
    const { app, handled } = appWith({ draining: true });
    expect((await app.inject({ method: 'GET', url: '/readyz?verbose=1' })).statusCode).toBe(200);
    expect(handled).toEqual(['readyz']);
  });
});
