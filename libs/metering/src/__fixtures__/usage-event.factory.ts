// Test data for the metering specs (excluded from the build with every `__fixtures__` folder).
import { seededRandom } from '@voxgate/testing';
import type { UsageEvent } from '../usage-event';

export const HOUR_MS = 3_600_000;

/** 2030-05-14T00:00:00Z: a fixed, hour- and day-aligned instant. */
export const DAY_START_MS = Date.UTC(2030, 4, 14);

export function usageEvent(overrides: Partial<UsageEvent> = {}): UsageEvent {
  return {
    id: 'req_1',
    tenant_id: 'ten_1',
    key_id: 'key_a',
    model: 'gpt-4o-audio-preview-2025-06-03',
    provider: 'openai',
    created_at_ms: DAY_START_MS,
    latency_ms: 800,
    status: 'completed',
    stream: false,
    input_text_tokens: 100,
    input_audio_tokens: 0,
    input_cached_tokens: 0,
    output_text_tokens: 20,
    output_audio_tokens: 0,
    audio_in_ms: 0,
    audio_out_ms: 0,
    tool_calls: 0,
    input_characters: 0,
    cost_micros: 450,
    estimated: false,
    ...overrides,
  };
}

export interface RandomEventsOptions {
  readonly count: number;
  readonly seed: number;
  readonly fromMs: number;
  readonly spanMs: number;
  readonly tenants: readonly string[];
  readonly models: readonly string[];
  readonly keys: readonly (string | null)[];
  /** Id prefix, so batches do not collide. */
  readonly prefix?: string;
}

export function randomEvents(options: RandomEventsOptions): UsageEvent[] {
  const next = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const int = (max: number) => Math.floor(next() * (max + 1));
  return Array.from({ length: options.count }, (_, index) => {
    const inputText = int(5_000);
    return usageEvent({
      id: `${options.prefix ?? 'req'}_${String(index).padStart(5, '0')}`,
      tenant_id: pick(options.tenants),
      key_id: pick(options.keys),
      model: pick(options.models),
      // Coarse times so that many events share a millisecond.
      created_at_ms: options.fromMs + Math.floor(next() * (options.spanMs / 1000)) * 1000,
      latency_ms: int(10_000),
      status: pick(['completed', 'failed', 'cancelled', 'upstream_error'] as const),
      stream: next() < 0.5,
      input_text_tokens: inputText,
      input_audio_tokens: int(2_000),
      input_cached_tokens: int(inputText),
      output_text_tokens: int(3_000),
      output_audio_tokens: int(4_000),
      audio_in_ms: int(60_000),
      audio_out_ms: int(60_000),
      tool_calls: int(3),
      input_characters: int(5_000),
      cost_micros: int(2_000_000),
      estimated: next() < 0.1,
    });
  });
}

/** The aggregate fields, summed straight from the events. */
export interface EventSums {
  requests: number;
  input_text_tokens: number;
  input_audio_tokens: number;
  input_cached_tokens: number;
  output_text_tokens: number;
  output_audio_tokens: number;
  audio_in_ms: number;
  audio_out_ms: number;
  tool_calls: number;
  input_characters: number;
  cost_micros: number;
}

export function sumEvents(events: readonly UsageEvent[]): EventSums {
  const sums: EventSums = {
    requests: 0,
    input_text_tokens: 0,
    input_audio_tokens: 0,
    input_cached_tokens: 0,
    output_text_tokens: 0,
    output_audio_tokens: 0,
    audio_in_ms: 0,
    audio_out_ms: 0,
    tool_calls: 0,
    input_characters: 0,
    cost_micros: 0,
  };
  for (const event of events) {
    sums.requests += 1;
    sums.input_text_tokens += event.input_text_tokens;
    sums.input_audio_tokens += event.input_audio_tokens;
    sums.input_cached_tokens += event.input_cached_tokens;
    sums.output_text_tokens += event.output_text_tokens;
    sums.output_audio_tokens += event.output_audio_tokens;
    sums.audio_in_ms += event.audio_in_ms;
    sums.audio_out_ms += event.audio_out_ms;
    sums.tool_calls += event.tool_calls;
    sums.input_characters += event.input_characters;
    sums.cost_micros += event.cost_micros;
  }
  return sums;
}

/** Groups events by a key, keeping first-seen order. */
export function groupBy<K>(events: readonly UsageEvent[], keyOf: (event: UsageEvent) => K): Map<K, UsageEvent[]> {
  const groups = new Map<K, UsageEvent[]>();
  for (const event of events) {
    const key = keyOf(event);
    const group = groups.get(key);
    if (group) group.push(event);
    else groups.set(key, [event]);
  }
  return groups;
}

/** The order Redis returns events in: by time, then by id (byte order). */
export function byTimeThenId(a: UsageEvent, b: UsageEvent): number {
  return a.created_at_ms - b.created_at_ms || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
