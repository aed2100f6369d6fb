// Streams a spoken answer and writes its audio to a file as it arrives (a player can start on the first
// bytes), printing the transcript as it comes. Uses Voxgate's `speed` extension: faster speech, same pitch.
//
//   VOXGATE_API_KEY=sk-vg-… node examples/streaming-player.mjs [answer.mp3]
//   VOXGATE_API_KEY=sk-vg-… node examples/streaming-player.mjs - | ffplay -nodisp -autoexit -   (play it live)
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import OpenAI from 'openai';

if (!process.env.VOXGATE_API_KEY) throw new Error('Set VOXGATE_API_KEY to a Voxgate key (npx voxgate keys create …)');
const client = new OpenAI({
  apiKey: process.env.VOXGATE_API_KEY,
  baseURL: `${process.env.VOXGATE_URL ?? 'http://127.0.0.1:8080'}/v1`,
});
const output = process.argv[2] ?? 'answer.mp3';
const audioSink = output === '-' ? process.stdout : createWriteStream(output);
const textSink = output === '-' ? process.stderr : process.stdout;

const stream = await client.chat.completions.create({
  model: process.env.VOXGATE_MODEL ?? 'gpt-4o-audio-preview',
  modalities: ['text', 'audio'],
  // OpenAI streams only pcm16; Voxgate encodes mp3 (or wav, flac, opus, aac, g711_*) chunk by chunk.
  audio: { voice: 'alloy', format: 'mp3' },
  speed: 1.25, // Voxgate extension (0.25–4, or audio.speed); TypeScript: see examples/voxgate-types.mts
  stream: true,
  messages: [{ role: 'user', content: 'Tell me one fun fact about owls, in one sentence.' }],
});

for await (const chunk of stream) {
  const audio = chunk.choices[0]?.delta?.audio;
  if (audio?.transcript) textSink.write(audio.transcript);
  if (audio?.data) {
    // Decode each delta on its own and append the bytes: together they make one valid mp3 file.
    if (!audioSink.write(Buffer.from(audio.data, 'base64'))) await once(audioSink, 'drain');
  }
}
textSink.write('\n');
if (audioSink !== process.stdout) {
  audioSink.end();
  await once(audioSink, 'finish');
  console.log(`audio: ${output}`);
}
