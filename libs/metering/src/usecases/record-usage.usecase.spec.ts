import { UsageSchema } from '@voxgate/openai-wire';
import { useTestRedis } from '@voxgate/testing';
import { DAY_START_MS, HOUR_MS } from '../__fixtures__/usage-event.factory';
import { FREE, type ModelPricing } from '../pricing';
import { UsageRepository } from '../repositories/usage.repository';
import { UsageEventSchema } from '../usage-event';
import { UsageMetrics } from '../usage-metrics';
import { RecordUsage, type RecordUsageCommand } from './record-usage.usecase';

const PRICING: ModelPricing = {
  textInput: 2_500_000,
  textOutput: 10_000_000,
  audioInput: 40_000_000,
  audioOutput: 80_000_000,
  cachedInput: 1_250_000,
};

const command = (overrides: Partial<RecordUsageCommand> = {}): RecordUsageCommand => ({
  id: 'req_1',
  tenantId: 'ten_1',
  keyId: 'key_a',
  model: 'gpt-4o-audio-preview-2025-06-03',
  provider: 'openai',
  pricing: PRICING,
  startedAtMs: DAY_START_MS + 1_000,
  endedAtMs: DAY_START_MS + 2_250.6,
  status: 'completed',
  stream: true,
  usage: UsageSchema.parse({
    prompt_tokens: 1_100,
    completion_tokens: 600,
    total_tokens: 1_700,
    prompt_tokens_details: { audio_tokens: 100, cached_tokens: 400 },
    completion_tokens_details: { audio_tokens: 500 },
  }),
  ...overrides,
});

describe('RecordUsage (real Redis)', () => {
  const testRedis = useTestRedis();

  function build() {
    const repository = new UsageRepository(testRedis().redis, 86_400_000);
    const metrics = new UsageMetrics();
    return { repository, metrics, record: new RecordUsage(repository, metrics) };
  }

  it('prices the provider usage into a valid event', async () => {
    const { record } = build();
    const { event, recorded } = await record.execute(
      command({ audioInMs: 1_234.4, audioOutMs: 5_000.5, toolCalls: 2 }),
    );
    expect(recorded).toBe(true);
    expect(event).toEqual({
      id: 'req_1',
      tenant_id: 'ten_1',
      key_id: 'key_a',
      model: 'gpt-4o-audio-preview-2025-06-03',
      provider: 'openai',
      created_at_ms: DAY_START_MS + 1_000,
      latency_ms: 1_251,
      status: 'completed',
      stream: true,
      input_text_tokens: 1_000,
      input_audio_tokens: 100,
      input_cached_tokens: 400,
      output_text_tokens: 100,
      output_audio_tokens: 500,
      audio_in_ms: 1_234,
      audio_out_ms: 5_001,
      tool_calls: 2,
      input_characters: 0,
      // 600 × 2.5 + 400 × 1.25 + 100 × 40 + 100 × 10 + 500 × 80 = 1500 + 500 + 4000 + 1000 + 40000
      cost_micros: 47_000,
      estimated: false,
    });
    expect(UsageEventSchema.parse(event)).toEqual(event);
  });

  it('bills the estimate and flags the event when the provider sent no usage', async () => {
    const { record } = build();
    const { event } = await record.execute(
      command({
        usage: null,
        status: 'cancelled',
        estimatedTokens: { inputText: 1_000, inputAudio: 0, inputCached: 0, outputText: 200, outputAudio: 0 },
      }),
    );
    expect(event).toMatchObject({
      input_text_tokens: 1_000,
      output_text_tokens: 200,
      cost_micros: 2_500 + 2_000,
      estimated: true,
      status: 'cancelled',
    });
  });

  it('a request that failed before the provider worked records zero usage, not flagged as estimated', async () => {
    const { record } = build();
    const { event } = await record.execute(command({ usage: null, status: 'upstream_error', endedAtMs: 0 }));
    expect(event).toMatchObject({
      input_text_tokens: 0,
      input_audio_tokens: 0,
      input_cached_tokens: 0,
      output_text_tokens: 0,
      output_audio_tokens: 0,
      cost_micros: 0,
      estimated: false,
      latency_ms: 0,
    });
    // The provider's usage wins over an estimate.
    const both = await record.execute(
      command({
        id: 'req_2',
        estimatedTokens: { inputText: 9, inputAudio: 9, inputCached: 0, outputText: 9, outputAudio: 9 },
      }),
    );
    expect(both.event).toMatchObject({ input_text_tokens: 1_000, estimated: false });
    expect((await record.execute(command({ id: 'req_3', pricing: FREE }))).event.cost_micros).toBe(0);
  });

  it('records and counts in the metrics only once per id', async () => {
    const { record, repository, metrics } = build();
    await record.execute(command());
    const again = await record.execute(command({ pricing: FREE }));
    expect(again.recorded).toBe(false);
    const requests = metrics
      .render()
      .split('\n')
      .filter((line) => line.startsWith('voxgate_requests_total{'));
    expect(requests).toEqual([
      'voxgate_requests_total{tenant="ten_1",model="gpt-4o-audio-preview-2025-06-03",status="completed"} 1',
    ]);
    expect(metrics.render()).toContain(
      'voxgate_cost_usd_micros_total{tenant="ten_1",model="gpt-4o-audio-preview-2025-06-03"} 47000',
    );
    const rows = await repository.hourly('ten_1', DAY_START_MS, DAY_START_MS + HOUR_MS);
    expect(rows.map((row) => [row.metrics.requests, row.metrics.cost_micros])).toEqual([[1, 47_000]]);
  });

  it('price() is pure and save() records a priced event once', async () => {
    const { record, repository } = build();
    const event = record.price(command());
    expect(await repository.events('ten_1', DAY_START_MS, DAY_START_MS + HOUR_MS, 10, null)).toEqual({
      events: [],
      nextCursor: null,
    });
    await expect(record.save(event)).resolves.toBe(true);
    await expect(record.save(event)).resolves.toBe(false);
    expect((await repository.events('ten_1', DAY_START_MS, DAY_START_MS + HOUR_MS, 10, null)).events).toEqual([event]);
  });
  it('prices the audio routes: reported tokens unflagged, characters and minutes at their own prices', () => {
    const { record } = build();
    const speech = record.price(
      command({
        usage: null,
        tokens: { inputText: 10, inputAudio: 0, inputCached: 0, outputText: 0, outputAudio: 1_000 },
        inputCharacters: 2_000,
        pricing: { ...FREE, textInput: 600_000, audioOutput: 12_000_000, inputCharacters: 15_000_000 },
      }),
    );
    // 10 × $0.60/M + 1000 × $12/M + 2000 × $15/M = $0.000006 + $0.012 + $0.03
    expect(speech).toMatchObject({ input_characters: 2_000, output_audio_tokens: 1_000, estimated: false });
    expect(speech.cost_micros).toBe(6 + 12_000 + 30_000);
    const whisper = record.price(
      command({ usage: null, audioInMs: 90_000, pricing: { ...FREE, audioInputPerMinute: 6_000 } }),
    );
    expect(whisper.cost_micros).toBe(9_000);
    expect(UsageEventSchema.parse(whisper)).toEqual(whisper);
  });
});
