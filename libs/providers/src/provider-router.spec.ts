import { Errors, GatewayError } from '@voxgate/openai-wire';
import type { ProviderAdapter } from './provider-adapter';
import { ProviderRegistry } from './provider-registry';
import { parseExposition, sampleValue, samplesOf } from '@voxgate/testing';
import { ProviderMetrics } from './provider-metrics';
import { type ProviderRoute, ProviderRouter } from './provider-router';

const PRIMARY: ProviderRoute = { provider: 'primary', upstreamModel: 'model-a' };
const BACKUP: ProviderRoute = { provider: 'backup', upstreamModel: 'model-b' };

function adapter(id: string): ProviderAdapter {
  return {
    id,
    capabilities: { inputAudioFormats: [], streamingAudioFormats: ['pcm16'] },
    chatCompletion: () => Promise.reject(new Error('not used')),
    streamChatCompletion: () => Promise.reject(new Error('not used')),
  };
}

function router() {
  let now = 0;
  const changes: string[] = [];
  const fallbacks: string[] = [];
  const metrics = new ProviderMetrics(['primary', 'backup']);
  const instance = new ProviderRouter(new ProviderRegistry([adapter('primary'), adapter('backup')]), {
    breakers: { primary: { failureThreshold: 2, windowMs: 60_000, cooldownMs: 10_000 } },
    now: () => now,
    metrics,
    onBreakerChange: (provider, from, to) => changes.push(`${provider}:${from}->${to}`),
    onFallback: (from, to, error) => fallbacks.push(`${from.provider}->${to.provider}:${error.status}`),
  });
  return { router: instance, metrics, changes, fallbacks, advance: (ms: number) => (now += ms) };
}

/** An attempt that fails on `failing` providers with `error` and answers with the route elsewhere. */
function attemptFailingOn(failing: readonly string[], error: Error | null, calls: string[] = []) {
  return async (served: ProviderAdapter, route: ProviderRoute): Promise<string> => {
    calls.push(served.id);
    if (error && failing.includes(route.provider)) throw error;
    return Promise.resolve(route.upstreamModel);
  };
}

describe('ProviderRouter', () => {
  it('serves from the primary when it answers', async () => {
    const { router: r, fallbacks } = router();
    const calls: string[] = [];
    const routed = await r.call([PRIMARY, BACKUP], attemptFailingOn([], null, calls));
    expect(routed).toEqual({ value: 'model-a', route: PRIMARY });
    expect(calls).toEqual(['primary']);
    expect(fallbacks).toEqual([]);
  });

  it.each([
    ['a 5xx', Errors.upstreamError('primary', 'HTTP 503')],
    ['a timeout', Errors.upstreamTimeout('primary', 5)],
    ['a 429', new GatewayError(429, 'requests', 'rate_limit_exceeded', 'slow down')],
  ])('falls back to the next route on %s, with its upstream model', async (_name, error) => {
    const { router: r, fallbacks } = router();
    const calls: string[] = [];
    const routed = await r.call([PRIMARY, BACKUP], attemptFailingOn(['primary'], error, calls));
    expect(routed).toEqual({ value: 'model-b', route: BACKUP });
    expect(calls).toEqual(['primary', 'backup']);
    expect(fallbacks).toEqual([`primary->backup:${error.status}`]);
  });

  it('does not fall back on a 4xx, which is the client’s', async () => {
    const { router: r } = router();
    const calls: string[] = [];
    const refusal = Errors.invalidRequest('bad audio', 'messages');
    await expect(r.call([PRIMARY, BACKUP], attemptFailingOn(['primary'], refusal, calls))).rejects.toBe(refusal);
    expect(calls).toEqual(['primary']);
    expect(r.breakerState('primary')).toBe('closed');
  });

  it('does not fall back when the client went away', async () => {
    const { router: r } = router();
    const calls: string[] = [];
    const gone = new Error('client disconnected');
    await expect(r.call([PRIMARY, BACKUP], attemptFailingOn(['primary'], gone, calls))).rejects.toBe(gone);
    expect(calls).toEqual(['primary']);
  });

  it('throws the last route’s error when every route failed', async () => {
    const { router: r } = router();
    const last = Errors.upstreamTimeout('backup', 5);
    const attempt = (_served: ProviderAdapter, route: ProviderRoute) =>
      Promise.reject(route.provider === 'backup' ? last : Errors.upstreamError('primary', 'HTTP 500'));
    await expect(r.call([PRIMARY, BACKUP], attempt)).rejects.toBe(last);
  });

  it('opens the breaker after repeated failures, skips the provider while open, then probes and closes', async () => {
    const { router: r, metrics, changes, advance } = router();
    const failure = Errors.upstreamError('primary', 'HTTP 503');
    await r.call([PRIMARY, BACKUP], attemptFailingOn(['primary'], failure));
    await r.call([PRIMARY, BACKUP], attemptFailingOn(['primary'], failure));
    expect(r.breakerState('primary')).toBe('open');

    const whileOpen: string[] = [];
    expect((await r.call([PRIMARY, BACKUP], attemptFailingOn([], null, whileOpen))).route).toBe(BACKUP);
    expect(whileOpen).toEqual(['backup']);
    await expect(r.call([PRIMARY], attemptFailingOn([], null))).rejects.toMatchObject({
      status: 503,
      code: 'provider_unavailable',
    });

    advance(10_000);
    const probed: string[] = [];
    expect((await r.call([PRIMARY, BACKUP], attemptFailingOn([], null, probed))).route).toBe(PRIMARY);
    expect(probed).toEqual(['primary']);
    expect(r.breakerState('primary')).toBe('closed');
    expect(changes).toEqual(['primary:closed->open', 'primary:open->half_open', 'primary:half_open->closed']);
    const text = metrics.render();
    expect(text).toContain('voxgate_upstream_calls_total{provider="primary",status="502"} 2');
    expect(text).toContain('voxgate_upstream_calls_total{provider="primary",status="circuit_open"} 2');
    expect(text).toContain('voxgate_upstream_fallbacks_total{from="primary",to="backup"} 3');
    expect(text).toContain('voxgate_provider_circuit_state{provider="primary"} 0');
    expect(text).toContain('voxgate_provider_circuit_state{provider="backup"} 0');
    // Calls that were sent are timed under the same labels; refusals by the open breaker never were.
    const families = parseExposition(text);
    expect(
      sampleValue(families, 'voxgate_upstream_call_duration_seconds_count', { provider: 'primary', status: '502' }),
    ).toBe(2);
    expect(
      sampleValue(families, 'voxgate_upstream_call_duration_seconds_count', { provider: 'primary', status: '200' }),
    ).toBe(1);
    expect(
      sampleValue(families, 'voxgate_upstream_call_duration_seconds_count', { provider: 'backup', status: '200' }),
    ).toBe(3);
    expect(
      samplesOf(families, 'voxgate_upstream_call_duration_seconds_count', { status: 'circuit_open' }),
    ).toHaveLength(0);
  });
  it.each(['engine_unavailable', 'text_model_not_configured'])(
    'never opens the breaker on a configuration error (%s), so its message reaches the client',
    async (code) => {
      const { router: r, changes } = router();
      const missing = new GatewayError(503, 'server_error', code, 'install libflite1');
      for (let call = 0; call < 5; call++) {
        await expect(r.call([PRIMARY], attemptFailingOn(['primary'], missing))).rejects.toBe(missing);
      }
      expect(r.breakerState('primary')).toBe('closed');
      expect(changes).toEqual([]);
    },
  );

  it('still hands a configuration error over to the next route', async () => {
    const { router: r, fallbacks } = router();
    const missing = new GatewayError(503, 'server_error', 'engine_unavailable', 'install libflite1');
    const routed = await r.call([PRIMARY, BACKUP], attemptFailingOn(['primary'], missing));
    expect(routed.route).toEqual(BACKUP);
    expect(fallbacks).toEqual(['primary->backup:503']);
  });
});
