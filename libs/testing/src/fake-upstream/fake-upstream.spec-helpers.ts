import OpenAI from 'openai';
import type { FakeUpstream } from './fake-upstream.server';

/** Upstream key used by the fake upstream specs. */
export const UPSTREAM_KEY = 'sk-test-upstream-0123456789';

/** The official SDK pointed at the fake, without retries unless asked. */
export function sdkClient(upstream: FakeUpstream, options: { apiKey?: string; maxRetries?: number } = {}): OpenAI {
  return new OpenAI({
    apiKey: options.apiKey ?? UPSTREAM_KEY,
    baseURL: upstream.baseUrl,
    maxRetries: options.maxRetries ?? 0,
  });
}

/** POSTs `body` as JSON to `…/v1/chat/completions` with the right key, unless `headers` say otherwise. */
export function postChat(
  upstream: FakeUpstream,
  body: unknown,
  init: { headers?: Record<string, string>; signal?: AbortSignal; path?: string } = {},
): Promise<Response> {
  return fetch(`${upstream.url}${init.path ?? '/v1/chat/completions'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${UPSTREAM_KEY}`, ...init.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(init.signal === undefined ? {} : { signal: init.signal }),
  });
}

/** A streaming audio request as the gateway sends it. */
export function streamingAudioRequest(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'gpt-4o-audio-preview-2025-06-03',
    modalities: ['text', 'audio'],
    audio: { voice: 'alloy', format: 'pcm16' },
    messages: [{ role: 'user', content: 'Say something.' }],
    stream: true,
    stream_options: { include_usage: true },
    ...extra,
  };
}
