import { ToolMetrics } from './tool-metrics';

describe('ToolMetrics', () => {
  it('counts calls by tool, status and replayed, and histograms the ones that ran', () => {
    const metrics = new ToolMetrics();
    metrics.record({ name: 'kb', status: 'ok', replayed: false, durationMs: 12 });
    metrics.record({ name: 'kb', status: 'ok', replayed: false, durationMs: 700 });
    metrics.record({ name: 'pay', status: 'ok', replayed: true, durationMs: 1 });
    metrics.record({ name: 'kb', status: 'error', replayed: false, durationMs: 3 });
    const text = metrics.render();

    expect(text).toContain('# TYPE voxgate_tool_calls_total counter');
    expect(text).toContain('voxgate_tool_calls_total{tool="kb",status="ok",replayed="false"} 2');
    expect(text).toContain('voxgate_tool_calls_total{tool="kb",status="error",replayed="false"} 1');
    expect(text).toContain('voxgate_tool_calls_total{tool="pay",status="ok",replayed="true"} 1');
    expect(text).toContain('# TYPE voxgate_tool_duration_seconds histogram');
    expect(text).toContain('voxgate_tool_duration_seconds_bucket{tool="kb",le="0.005"} 1');
    expect(text).toContain('voxgate_tool_duration_seconds_bucket{tool="kb",le="0.025"} 2');
    expect(text).toContain('voxgate_tool_duration_seconds_bucket{tool="kb",le="1"} 3');
    expect(text).toContain('voxgate_tool_duration_seconds_bucket{tool="kb",le="+Inf"} 3');
    expect(text).toContain('voxgate_tool_duration_seconds_count{tool="kb"} 3');
    expect(text).toMatch(/voxgate_tool_duration_seconds_sum\{tool="kb"\} 0\.715\d*/);
    expect(text).not.toContain('voxgate_tool_duration_seconds_count{tool="pay"}');
  });

  it('escapes label values', () => {
    const metrics = new ToolMetrics();
    metrics.record({ name: 'a"b\\c', status: 'ok', replayed: false, durationMs: 1 });
    expect(metrics.render()).toContain('tool="a\\"b\\\\c"');
  });
});
