import OpenAI, { toFile } from 'openai';
import { collectSseEvents, FAKE_SPEECH_SECONDS, readSpeechClip } from '@voxgate/testing';
import { AUDIO_MODELS, TRANSCRIBE_MODEL, TTS_MODEL, TTS_SNAPSHOT } from './support/audio-models';
import { useRelayEnv } from './support/e2e-env';
import type { GatewayProcess } from './support/gateway-process';
import { openaiClient } from './support/relay-config';

type UsageEventJson = {
  model: string;
  status: string;
  stream: boolean;
  input_text_tokens: number;
  input_audio_tokens: number;
  output_text_tokens: number;
  output_audio_tokens: number;
  audio_in_ms: number;
  audio_out_ms: number;
  input_characters: number;
  cost_micros: number;
  estimated: boolean;
};

async function usageEvents(gateway: GatewayProcess, tenantId: string): Promise<UsageEventJson[]> {
  const created = await gateway.admin('POST', `/admin/tenants/${tenantId}/keys`, { name: 'billing', scope: 'billing' });
  const key = (created.body as { key: string }).key;
  const since = Math.floor(Date.now() / 1000) - 3600;
  const response = await fetch(`${gateway.url}/v1/usage/events?start_time=${since}&format=jsonl`, {
    headers: { authorization: `Bearer ${key}` },
  });
  expect(response.status).toBe(200);
  return (await response.text())
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as UsageEventJson);
}

const jfk = () => toFile(readSpeechClip('jfk.wav'), 'jfk.wav');

describe('quotas and metering of the audio routes', () => {
  const env = useRelayEnv({}, { models: AUDIO_MODELS });

  it('records one priced event per request on each route', async () => {
    const { gateway } = env();
    const { tenantId, key } = await gateway.createTenantKey('audio metering');
    const client = openaiClient(gateway.url, key);
    const input = 'Has never been surpassed.';

    const sse = await client.audio.speech.create({ model: TTS_MODEL, input, voice: 'alloy', stream_format: 'sse' });
    const done = JSON.parse((await collectSseEvents(sse)).at(-1)!.data) as {
      usage: { input_tokens: number; output_tokens: number };
    };
    await (
      await client.audio.speech.create({ model: 'tts-1', input, voice: 'alloy', response_format: 'wav' })
    ).arrayBuffer();
    const transcript = await client.audio.transcriptions.create({ file: await jfk(), model: TRANSCRIBE_MODEL });
    await client.audio.translations.create({ file: await jfk(), model: 'whisper-1' });

    const [speech, tts1, transcription, translation] = await usageEvents(gateway, tenantId);
    // gpt-4o-mini-tts: $0.60/M text in, $12/M audio out.
    expect(speech).toMatchObject({
      model: TTS_SNAPSHOT,
      status: 'completed',
      stream: true,
      input_text_tokens: done.usage.input_tokens,
      output_audio_tokens: done.usage.output_tokens,
      input_characters: input.length,
      estimated: false,
    });
    expect(speech!.cost_micros).toBe(Math.round(done.usage.input_tokens * 0.6 + done.usage.output_tokens * 12));
    expect(speech!.audio_out_ms).toBeGreaterThan(FAKE_SPEECH_SECONDS * 1000 - 100);
    // tts-1: $15 per 1M characters, no tokens; the wav it returned measured.
    expect(tts1).toMatchObject({
      model: 'tts-1',
      input_characters: input.length,
      estimated: false,
      output_audio_tokens: 0,
    });
    expect(tts1!.cost_micros).toBe(input.length * 15);
    expect(Math.abs(tts1!.audio_out_ms - FAKE_SPEECH_SECONDS * 1000)).toBeLessThan(20);
    // gpt-4o-transcribe: $6/M audio in, $10/M text out, from the provider's token usage.
    const usage = transcript.usage as { input_tokens: number; output_tokens: number };
    expect(transcription).toMatchObject({
      model: TRANSCRIBE_MODEL,
      input_audio_tokens: usage.input_tokens,
      output_text_tokens: usage.output_tokens,
      audio_in_ms: 11_000,
      estimated: false,
    });
    expect(transcription!.cost_micros).toBe(Math.round(usage.input_tokens * 6 + usage.output_tokens * 10));
    // whisper-1: $0.006 per minute of audio.
    expect(translation).toMatchObject({ model: 'whisper-1', audio_in_ms: 11_000, input_audio_tokens: 0 });
    expect(translation!.cost_micros).toBe(1_100);
  });

  it('records a provider failure at no cost', async () => {
    const { gateway, upstream } = env();
    const { tenantId, key } = await gateway.createTenantKey('audio failures');
    const client = openaiClient(gateway.url, key);
    upstream.enqueue({
      kind: 'json',
      status: 503,
      body: { error: { message: 'down', type: 'server_error', param: null, code: null } },
    });
    upstream.enqueue({
      kind: 'json',
      status: 503,
      body: { error: { message: 'down', type: 'server_error', param: null, code: null } },
    });
    await expect(client.audio.speech.create({ model: TTS_MODEL, input: 'Hi.', voice: 'alloy' })).rejects.toBeInstanceOf(
      OpenAI.APIError,
    );
    const [failed] = await usageEvents(gateway, tenantId);
    expect(failed).toMatchObject({ status: 'upstream_error', cost_micros: 0, audio_out_ms: 0 });
  });

  it('stops the provider and meters the speech as cancelled when the client goes away', async () => {
    const { gateway, upstream } = env();
    const { tenantId, key } = await gateway.createTenantKey('audio cancel');
    upstream.chunkDelayMs = 200;
    try {
      const controller = new AbortController();
      const response = await fetch(`${gateway.url}/v1/audio/speech`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: TTS_MODEL,
          input: 'Has never been surpassed.',
          voice: 'alloy',
          response_format: 'wav',
        }),
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      expect((await reader.read()).done).toBe(false);
      controller.abort();
      await upstream.waitForAbort(-1, 5_000);
    } finally {
      upstream.chunkDelayMs = 0;
    }
    let events: UsageEventJson[] = [];
    for (let attempt = 0; attempt < 50 && events.length === 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      events = await usageEvents(gateway, tenantId);
    }
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ model: TTS_SNAPSHOT, status: 'cancelled' });
  });

  it('refuses past the audio seconds a tenant may use per day, and past its token limit', async () => {
    const { gateway, upstream } = env();
    const { tenantId, key } = await gateway.createTenantKey('audio quotas');
    const client = openaiClient(gateway.url, key);
    await gateway.admin('PUT', `/admin/tenants/${tenantId}/quotas`, { audio_seconds_per_day: 5 });
    const before = upstream.requests.length;
    const refused = await client.audio.transcriptions
      .create({ file: await jfk(), model: TRANSCRIBE_MODEL })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect((refused as Error).message).toMatch(/audio seconds/);
    expect(upstream.requests.length).toBe(before);
    // 1.8 s of speech fits.
    await (
      await client.audio.speech.create({ model: TTS_MODEL, input: 'Has never been surpassed.', voice: 'alloy' })
    ).arrayBuffer();

    await gateway.admin('PUT', `/admin/tenants/${tenantId}/quotas`, {
      audio_seconds_per_day: null,
      tokens_per_minute: 10,
    });
    const tooMany = await client.audio.speech
      .create({ model: TTS_MODEL, input: 'a'.repeat(400), voice: 'alloy' })
      .catch((e: unknown) => e);
    expect(tooMany).toBeInstanceOf(OpenAI.RateLimitError);
  });
});
