import OpenAI from 'openai';
import { speechPcm16, speechWav } from '../audio/audio-fixtures';
import { ffprobeAudio, hasFfprobe } from '../audio/ffprobe';
import { parseWav } from '../audio/wav.format';
import { OpenApiValidator } from '../openapi/openapi-validator';
import { DEFAULT_TEXT_ANSWER } from './fake-upstream.answer';
import { FakeUpstream } from './fake-upstream.server';
import { UPSTREAM_KEY, postChat, sdkClient } from './fake-upstream.spec-helpers';

const validator = new OpenApiValidator();
let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
});
afterEach(() => {
  upstream.assertNoViolations();
  upstream.clear();
});
afterAll(() => upstream.stop());

/** Audio in (the speech fixture as WAV) and audio out, like the contract's first example. */
function audioRequest(format: 'wav' | 'pcm16' | 'mp3'): OpenAI.ChatCompletionCreateParamsNonStreaming {
  return {
    model: 'gpt-4o-audio-preview-2025-06-03',
    modalities: ['text', 'audio'],
    audio: { voice: 'alloy', format },
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this recording?' },
          { type: 'input_audio', input_audio: { data: speechWav().toString('base64'), format: 'wav' } },
        ],
      },
    ],
  };
}

describe('FakeUpstream: default non-streaming answers', () => {
  it('answers an audio request like gpt-4o-audio-preview, with a WAV of real speech', async () => {
    const completion = await sdkClient(upstream).chat.completions.create(audioRequest('wav'));

    validator.assertValid('CreateChatCompletionResponse', completion, { rejectUndeclaredKeys: true });
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-audio-preview-2025-06-03',
      service_tier: 'default',
    });
    expect(completion.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(completion.system_fingerprint).toMatch(/^fp_[0-9a-f]{10}$/);
    const [choice] = completion.choices;
    expect(choice).toMatchObject({ index: 0, finish_reason: 'stop', logprobs: null });
    expect(choice?.message).toMatchObject({ role: 'assistant', content: null, refusal: null, annotations: [] });
    const audio = choice?.message.audio;
    expect(audio?.id).toMatch(/^audio_[0-9a-f]{32}$/);
    expect(audio?.transcript).toBe('has never been surpassed.');
    expect(audio?.expires_at).toBe(completion.created + 3600);

    const wav = Buffer.from(audio?.data ?? '', 'base64');
    const info = parseWav(wav);
    expect(info).toMatchObject({
      audioFormat: 1,
      channels: 1,
      sampleRate: 24_000,
      byteRate: 48_000,
      bitsPerSample: 16,
      dataOffset: 44,
    });
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(wav.subarray(44).equals(speechPcm16())).toBe(true);
    if (hasFfprobe()) {
      expect(ffprobeAudio(wav)).toMatchObject({ codec_name: 'pcm_s16le', sample_rate: '24000', channels: 1 });
    }
  });

  it('reports usage with audio tokens at 10/s in and 20/s out, and totals that add up', async () => {
    const { usage } = await sdkClient(upstream).chat.completions.create(audioRequest('wav'));
    // Input: 54 text chars → 14 tokens, 1.78 s of audio → 18; output: 25-char transcript → 7, 1.78 s → 36.
    expect(usage).toEqual({
      prompt_tokens: 32,
      completion_tokens: 43,
      total_tokens: 75,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 18, text_tokens: 14, image_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 36,
        text_tokens: 7,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    });
  });

  it('returns raw 24 kHz s16le for pcm16', async () => {
    const completion = await sdkClient(upstream).chat.completions.create(audioRequest('pcm16'));
    const pcm = Buffer.from(completion.choices[0]?.message.audio?.data ?? '', 'base64');
    expect(pcm.equals(speechPcm16())).toBe(true);
  });

  it('answers text-only requests with text content and no audio', async () => {
    const completion = await sdkClient(upstream).chat.completions.create({
      model: 'gpt-4o-mini-audio-preview-2024-12-17',
      messages: [{ role: 'user', content: 'Hello?' }],
    });
    validator.assertValid('CreateChatCompletionResponse', completion);
    expect(completion.model).toBe('gpt-4o-mini-audio-preview-2024-12-17');
    expect(completion.choices[0]?.message.content).toBe(DEFAULT_TEXT_ANSWER);
    expect(completion.choices[0]?.message).not.toHaveProperty('audio');
    expect(completion.usage?.completion_tokens_details?.audio_tokens).toBe(0);
  });

  it('refuses audio formats it cannot produce with unsupported_value', async () => {
    const error: unknown = await sdkClient(upstream)
      .chat.completions.create(audioRequest('mp3'))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({
      status: 400,
      param: 'audio.format',
      code: 'unsupported_value',
      type: 'invalid_request_error',
    });
    expect(upstream.lastRequest().answeredBy).toBe('audio');
  });
});

describe('FakeUpstream: routes, keys and recording', () => {
  it('records what the SDK sent', async () => {
    await sdkClient(upstream).chat.completions.create(audioRequest('wav'));
    const request = upstream.lastRequest();
    expect(request).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      query: {},
      answeredBy: 'default',
      aborted: false,
    });
    expect(request.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(request.body).toMatchObject({ model: 'gpt-4o-audio-preview-2025-06-03', audio: { format: 'wav' } });
  });

  it('serves Azure-style deployment paths with an api-key header', async () => {
    const response = await postChat(
      upstream,
      { model: 'gpt-4o-audio', messages: [{ role: 'user', content: 'Hi' }] },
      {
        path: '/openai/deployments/voice-prod/chat/completions?api-version=2025-01-01-preview',
        headers: { authorization: '', 'api-key': UPSTREAM_KEY },
      },
    );
    expect(response.status).toBe(200);
    expect(upstream.lastRequest()).toMatchObject({
      path: '/openai/deployments/voice-prod/chat/completions',
      query: { 'api-version': '2025-01-01-preview' },
    });
  });

  it('answers a wrong key with 401 invalid_api_key, and no key with 401', async () => {
    const wrong: unknown = await sdkClient(upstream, { apiKey: 'sk-wrong-key-abcd' })
      .chat.completions.create(audioRequest('wav'))
      .catch((caught: unknown) => caught);
    expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(wrong).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect((wrong as Error).message).toBe(
      '401 Incorrect API key provided: sk-…abcd. You can find your API key at https://platform.openai.com/account/api-keys.',
    );
    const missing = await postChat(upstream, {}, { headers: { authorization: '' } });
    expect(missing.status).toBe(401);
    validator.assertValid('ErrorResponse', await missing.json());
  });

  it('lists models, and answers unknown routes with 404 Invalid URL', async () => {
    const models = await sdkClient(upstream).models.list();
    expect(models.data.map((model) => model.id)).toContain('gpt-4o-audio-preview-2025-06-03');
    const response = await fetch(`${upstream.baseUrl}/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${UPSTREAM_KEY}` },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { message: 'Invalid URL (POST /v1/embeddings)', type: 'invalid_request_error', param: null, code: null },
    });
  });
});
