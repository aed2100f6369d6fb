import { readFileSync } from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { PCM16_BYTES_PER_SECOND, speechPcm16 } from '@voxgate/testing';
import { OUTPUT_DECODING, ffmpegSeconds } from './support/decode';
import { spec, useRelayEnv } from './support/e2e-env';
import { ALIAS } from './support/relay-config';

const fixture = (name: string) => readFileSync(path.resolve(__dirname, '../libs/audio/fixtures', name));
const SPEECH_SECONDS = speechPcm16().length / PCM16_BYTES_PER_SECOND;
type Sent = {
  messages: { content: { type: string; input_audio?: { data: string; format: string } }[] }[];
  audio?: { format: string };
};

describe('audio engine through the gateway', () => {
  // The fake upstream produces wav and pcm16 only; the gateway converts the rest.
  const env = useRelayEnv({ audioFormats: ['wav', 'pcm16'] });

  const ask = (data: Buffer, format: string) =>
    env().client.chat.completions.create({
      model: ALIAS,
      messages: [
        {
          role: 'user',
          content: [{ type: 'input_audio', input_audio: { data: data.toString('base64'), format: format as 'wav' } }],
        },
      ],
    });

  it.each([
    ['webm', 'chrome-mediarecorder.webm'],
    ['opus', 'speech-ffmpeg.opus'],
    ['ogg', 'speech-opusenc-stereo.opus'],
    ['flac', 'speech-16k.flac'],
    ['pcm16', 'speech-24k.pcm16'],
    ['g711_ulaw', 'speech-8k.ulaw'],
    ['g711_alaw', 'speech-8k.alaw'],
    ['auto', 'speech-48k-s24.flac'],
  ])('converts %s input to a WAV the provider accepts', async (format, file) => {
    const { upstream } = env();
    await ask(fixture(file), format);
    const part = (upstream.lastRequest().body as Sent).messages[0]!.content[0]!.input_audio!;
    expect(part.format).toBe('wav');
    expect(ffmpegSeconds(Buffer.from(part.data, 'base64'), 'wav')).toBeGreaterThan(1);
  });

  it.each([
    ['wav', 'speech-16k.wav'],
    ['mp3', 'speech-24k-id3.mp3'],
  ])('passes %s input through byte for byte', async (format, file) => {
    const { upstream } = env();
    const bytes = fixture(file);
    await ask(bytes, format);
    expect((upstream.lastRequest().body as Sent).messages[0]!.content[0]!.input_audio).toEqual({
      data: bytes.toString('base64'),
      format,
    });
  });

  it.each([
    ['a declared format that contradicts the bytes', fixture('speech-16k.flac'), 'wav', /flac/i, '.format'],
    ['random bytes', Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 251)), 'auto', /./, '.data'],
    ['a truncated Ogg/Opus file', fixture('speech-ffmpeg.opus').subarray(0, 300), 'opus', /./, '.data'],
    ['a Vorbis file', fixture('speech-vorbis.ogg'), 'ogg', /vorbis|codec/i, '.data'],
  ])('rejects %s with a 400 naming the part', async (_name, bytes, format, message, suffix) => {
    const { upstream } = env();
    const before = upstream.requests.length;
    const error = await ask(bytes, format).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const bad = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(bad.param).toBe(`messages[0].content[0].input_audio${suffix}`);
    expect(bad.message).toMatch(message);
    expect(upstream.requests.length).toBe(before);
  });

  it.each(Object.keys(OUTPUT_DECODING))('delivers %s, non-streamed and streamed, as one valid file', async (format) => {
    const { client, upstream } = env();
    const { extension, inputArgs } = OUTPUT_DECODING[format]!;
    const json = await client.chat.completions.create({
      model: ALIAS,
      modalities: ['text', 'audio'],
      audio: { voice: 'alloy', format: format as 'wav' },
      messages: [{ role: 'user', content: 'Say it' }],
    });
    spec.assertValid('CreateChatCompletionResponse', json);
    const whole = Buffer.from(json.choices[0]!.message.audio!.data, 'base64');
    expect(ffmpegSeconds(whole, extension, inputArgs)).toBeGreaterThan(SPEECH_SECONDS * 0.9);

    const stream = await client.chat.completions.create({
      model: ALIAS,
      modalities: ['text', 'audio'],
      audio: { voice: 'alloy', format: format as 'wav' },
      messages: [{ role: 'user', content: 'Say it' }],
      stream: true,
    });
    const parts: Buffer[] = [];
    for await (const chunk of stream) {
      spec.assertValidStreamChunk(chunk, format);
      const data = (chunk.choices[0]?.delta as { audio?: { data?: string } } | undefined)?.audio?.data;
      if (data) parts.push(Buffer.from(data, 'base64'));
    }
    expect((upstream.lastRequest().body as Sent).audio?.format).toBe('pcm16');
    expect(ffmpegSeconds(Buffer.concat(parts), extension, inputArgs)).toBeGreaterThan(SPEECH_SECONDS * 0.9);
  });

  it.each([0.25, 1, 2, 4])('changes speed to %s× within 1 %, reporting it in a header', async (speed) => {
    const { client } = env();
    const { data, response } = await client.chat.completions
      .create({
        model: ALIAS,
        modalities: ['text', 'audio'],
        audio: { voice: 'alloy', format: 'wav' },
        messages: [{ role: 'user', content: 'x' }],
        speed,
      } as never)
      .withResponse();
    const completion = data;
    expect(response.headers.get('x-voxgate-audio-speed')).toBe(String(speed));
    const seconds = ffmpegSeconds(Buffer.from(completion.choices[0]!.message.audio!.data, 'base64'), 'wav');
    expect(Math.abs(seconds - SPEECH_SECONDS / speed) / (SPEECH_SECONDS / speed)).toBeLessThan(0.01);
  });

  it('rejects a speed outside 0.25–4 and speed without audio output', async () => {
    const { client } = env();
    for (const speed of [0.2, 4.5]) {
      const error = await client.chat.completions
        .create({
          model: ALIAS,
          modalities: ['text', 'audio'],
          audio: { voice: 'alloy', format: 'wav' },
          messages: [{ role: 'user', content: 'x' }],
          speed,
        } as never)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 400, param: 'speed' });
    }
    const textOnly = await client.chat.completions
      .create({ model: ALIAS, messages: [{ role: 'user', content: 'x' }], speed: 2 } as never)
      .catch((e: unknown) => e);
    expect(textOnly).toMatchObject({ status: 400, param: 'speed' });
  });
});
