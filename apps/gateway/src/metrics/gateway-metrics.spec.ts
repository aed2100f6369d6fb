import { MetricsRegistry } from '@voxgate/metrics';
import { GatewayMetrics, redisErrorKindOf } from './gateway-metrics';

/** `name{labels}` → value of every sample. */
function samples(text: string): Map<string, number> {
  const lines = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  return new Map(
    lines.map((line) => [line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1))]),
  );
}

describe('GatewayMetrics', () => {
  it('labels HTTP requests by route pattern, a bounded method and the status class', () => {
    const registry = new MetricsRegistry();
    const metrics = new GatewayMetrics(registry, ['gpt-a']);
    metrics.httpRequest('/v1/files/:file_id', 'GET', 200, 0.02);
    metrics.httpRequest('/v1/files/:file_id', 'GET', 204, 0.2);
    metrics.httpRequest(undefined, 'PROPFIND', 404, 0.001);
    metrics.httpRequest('/v1/chat/completions', 'POST', 503, 1.5);
    const text = samples(registry.renderNow());
    const name = 'voxgate_http_request_duration_seconds';
    expect(text.get(`${name}_count{route="/v1/files/:file_id",method="GET",status_class="2xx"}`)).toBe(2);
    expect(text.get(`${name}_bucket{route="/v1/files/:file_id",method="GET",status_class="2xx",le="0.025"}`)).toBe(1);
    expect(text.get(`${name}_count{route="unmatched",method="other",status_class="4xx"}`)).toBe(1);
    expect(text.get(`${name}_count{route="/v1/chat/completions",method="POST",status_class="5xx"}`)).toBe(1);
  });

  it('takes model labels only from the catalogue; anything else is "_other"', () => {
    const registry = new MetricsRegistry();
    const metrics = new GatewayMetrics(registry, ['gpt-a']);
    metrics.completion('gpt-a', true).firstAudio.observe(0.3);
    metrics.completion('whatever-a-client-sent', false).firstByte.observe(0.1);
    const text = samples(registry.renderNow());
    expect(text.get('voxgate_time_to_first_audio_seconds_count{model="gpt-a"}')).toBe(1);
    expect(text.get('voxgate_time_to_first_byte_seconds_count{model="_other",stream="false"}')).toBe(1);
    expect([...text.keys()].some((key) => key.includes('whatever'))).toBe(false);
  });

  it('counts quota refusals and Redis errors by kind', () => {
    const registry = new MetricsRegistry();
    const metrics = new GatewayMetrics(registry, []);
    metrics.quotaRefused('tokens_per_day', 'tenant', true);
    metrics.quotaRefused('tokens_per_day', 'tenant', true);
    metrics.quotaRefused('requests_per_minute', 'key', false);
    metrics.redisError(redisErrorKindOf(new Error('Command timed out')));
    metrics.redisError(redisErrorKindOf(new Error("Stream isn't writeable and enableOfflineQueue options is false")));
    metrics.redisError('connection');
    const text = samples(registry.renderNow());
    expect(text.get('voxgate_quota_refusals_total{limit="tokens_per_day",scope="tenant",enforced="true"}')).toBe(2);
    expect(text.get('voxgate_quota_refusals_total{limit="requests_per_minute",scope="key",enforced="false"}')).toBe(1);
    expect(text.get('voxgate_redis_errors_total{kind="timeout"}')).toBe(1);
    expect(text.get('voxgate_redis_errors_total{kind="unavailable"}')).toBe(1);
    expect(text.get('voxgate_redis_errors_total{kind="connection"}')).toBe(1);
  });
});
