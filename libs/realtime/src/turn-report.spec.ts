import type { ChatCompletionChunk } from '@voxgate/openai-wire';
import { TOOL_RUNS_COUNT_KEY, TOOL_RUNS_KEY, toolRunsOf, withToolRuns } from './turn-report';

const chunk = (voxgate?: unknown) =>
  ({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], voxgate }) as ChatCompletionChunk;

describe('server tool runs in response.done metadata', () => {
  it('reads the runs a chunk reports, ignoring chunks without them', () => {
    expect(toolRunsOf(chunk())).toEqual([]);
    expect(
      toolRunsOf(chunk({ tool_runs: [{ name: 'lookup_order', status: 'ok', replayed: false }, { name: 1 }] })),
    ).toEqual([{ name: 'lookup_order', status: 'ok' }]);
  });

  it('adds the runs beside the client metadata, as strings the spec allows', () => {
    const metadata = withToolRuns({ topic: 'orders' }, [
      { name: 'lookup_order', status: 'ok' },
      { name: 'book_table', status: 'confirmation_required' },
    ]);
    expect(metadata).toEqual({
      topic: 'orders',
      [TOOL_RUNS_KEY]: '[{"name":"lookup_order","status":"ok"},{"name":"book_table","status":"confirmation_required"}]',
      [TOOL_RUNS_COUNT_KEY]: '2',
    });
    expect(withToolRuns(null, [])).toBeNull();
    expect(withToolRuns({ a: 'b' }, [])).toEqual({ a: 'b' });
  });

  it('keeps values within 512 characters (whole entries) and counts every run', () => {
    const runs = Array.from({ length: 40 }, (_, index) => ({ name: `tool_number_${index}`, status: 'ok' }));
    const metadata = withToolRuns(null, runs)!;
    const value = metadata[TOOL_RUNS_KEY]!;
    expect(value.length).toBeLessThanOrEqual(512);
    const kept = JSON.parse(value) as unknown[];
    expect(kept.length).toBeGreaterThan(5);
    expect(kept.length).toBeLessThan(40);
    expect(metadata[TOOL_RUNS_COUNT_KEY]).toBe('40');
  });

  it('leaves the runs out rather than exceed 16 pairs', () => {
    const full = Object.fromEntries(Array.from({ length: 15 }, (_, index) => [`k${index}`, 'v']));
    expect(withToolRuns(full, [{ name: 't', status: 'ok' }])).toBe(full);
    const roomy = Object.fromEntries(Array.from({ length: 14 }, (_, index) => [`k${index}`, 'v']));
    expect(Object.keys(withToolRuns(roomy, [{ name: 't', status: 'ok' }])!)).toHaveLength(16);
  });
});
