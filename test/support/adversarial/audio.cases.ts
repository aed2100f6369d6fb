import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SNAPSHOT } from '../relay-config';
import { type AttackCase, json } from './attack-case';

const FIXTURES = path.resolve(__dirname, '../../../libs/audio/fixtures');
const PATH = '/v1/chat/completions';

/** A real file per container input format (made by real encoders, see libs/audio/fixtures/README.md). */
const CONTAINER_FILES = {
  wav: 'speech-16k.wav',
  mp3: 'speech-24k-id3.mp3',
  flac: 'speech-16k.flac',
  opus: 'speech-opusenc-stereo.opus',
  ogg: 'speech-ffmpeg.opus',
  webm: 'chrome-mediarecorder.webm',
} as const;
type Container = keyof typeof CONTAINER_FILES;
const HEADERLESS = ['pcm16', 'g711_ulaw', 'g711_alaw'] as const;
const DECLARED = [...(Object.keys(CONTAINER_FILES) as Container[]), ...HEADERLESS, 'auto'] as const;

const file = (name: string) => readFileSync(path.join(FIXTURES, name));

function audioRequest(format: string, data: string): unknown {
  return {
    model: SNAPSHOT,
    messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data, format } }] }],
  };
}

/** A WAV header that is valid in every field but announces, and holds, no samples. */
function headerOnlyWav(): Buffer {
  const header = Buffer.from(file(CONTAINER_FILES.wav).subarray(0, 44));
  header.writeUInt32LE(36, 4);
  header.writeUInt32LE(0, 40);
  return header;
}

/** Bytes from the same container as a declaration accepts, yet another family (for `ogg`/`opus`, WebM). */
function isSameFamily(declared: string, container: Container): boolean {
  if (declared === 'auto') return true;
  if (declared === container) return true;
  return (declared === 'opus' || declared === 'ogg') && (container === 'opus' || container === 'ogg');
}

/**
 * Corrupt, truncated, empty and mislabelled audio for every input format. Each must be a 400 before
 * any upstream call: the gateway checks bytes against the declared format, headers for truncation and
 * containers for samples, whether it would decode the audio or pass it through.
 */
export function audioCases(): AttackCase[] {
  const cases: AttackCase[] = [];
  const add = (name: string, format: string, data: string | Buffer) =>
    cases.push(
      json(
        `audio ${format}: ${name}`,
        'POST',
        PATH,
        'tenant',
        audioRequest(format, typeof data === 'string' ? data : data.toString('base64')),
        400,
      ),
    );
  for (const format of DECLARED) {
    add('empty', format, '');
    add('not base64', format, '!!!*** not base64 ***');
    add('base64 of nothing but padding', format, '====');
    for (const [container, name] of Object.entries(CONTAINER_FILES) as [Container, string][]) {
      if (!isSameFamily(format, container)) add(`bytes of ${container}`, format, file(name));
    }
  }
  for (const format of [...(Object.keys(CONTAINER_FILES) as Container[]), 'auto'] as const) {
    const own = file(CONTAINER_FILES[format === 'auto' ? 'wav' : format]);
    add('first 4 bytes of its own kind', format, own.subarray(0, 4));
    add('first 12 bytes of its own kind', format, own.subarray(0, 12));
    add('its magic followed by garbage', format, Buffer.concat([own.subarray(0, 4), Buffer.alloc(400, 0x5a)]));
    add('64 random-looking bytes', format, Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 151 + 7) % 256)));
  }
  for (const format of ['wav', 'auto'] as const) add('valid header, empty data chunk', format, headerOnlyWav());
  const wav = file(CONTAINER_FILES.wav);
  add('data chunk longer than the file (truncated)', 'wav', wav.subarray(0, 1000));
  add('zero sample rate', 'wav', Buffer.from(wav).fill(0, 24, 28));
  add('zero channels', 'wav', Buffer.from(wav).fill(0, 22, 24));
  add('odd length', 'pcm16', Buffer.alloc(4801));
  add('a WAV declared as raw pcm16', 'pcm16', wav);
  add('an Ogg file declared as raw mu-law', 'g711_ulaw', file(CONTAINER_FILES.opus));
  add('WebM/Opus declared as opus', 'opus', file(CONTAINER_FILES.webm));
  add('Ogg/Vorbis', 'ogg', file('speech-vorbis.ogg'));
  add('Ogg/Vorbis under auto', 'auto', file('speech-vorbis.ogg'));
  add('24-bit FLAC cut in its frames', 'flac', file('speech-48k-s24.flac').subarray(0, 200));
  return cases;
}
