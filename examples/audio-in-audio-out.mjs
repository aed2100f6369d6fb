// Audio in, audio out, with the official OpenAI SDK: only `baseURL` and the key differ from calling OpenAI.
// Sends the bundled question (assets/question.wav) and saves the spoken answer as a WAV file.
//
//   VOXGATE_URL=http://127.0.0.1:8080 VOXGATE_API_KEY=sk-vg-… node examples/audio-in-audio-out.mjs [answer.wav]
import { readFile, writeFile } from 'node:fs/promises';
import OpenAI from 'openai';

if (!process.env.VOXGATE_API_KEY) throw new Error('Set VOXGATE_API_KEY to a Voxgate key (npx voxgate keys create …)');
const client = new OpenAI({
  apiKey: process.env.VOXGATE_API_KEY, // a tenant's Voxgate key: the provider's key stays on the gateway
  baseURL: `${process.env.VOXGATE_URL ?? 'http://127.0.0.1:8080'}/v1`,
});
const output = process.argv[2] ?? 'answer.wav';

// "What time does the museum open on Sundays?", 16 kHz mono WAV (see assets/README.md).
const question = await readFile(new URL('./assets/question.wav', import.meta.url));

const completion = await client.chat.completions.create({
  model: process.env.VOXGATE_MODEL ?? 'gpt-4o-audio-preview',
  modalities: ['text', 'audio'],
  audio: { voice: 'alloy', format: 'wav' }, // also mp3, flac, opus, aac, pcm16, and Voxgate's g711_ulaw/g711_alaw
  messages: [
    { role: 'system', content: 'You are a museum guide. Answer in one short sentence.' },
    {
      role: 'user',
      // Voxgate also takes flac, opus/ogg, webm, pcm16, g711_ulaw, g711_alaw and 'auto' here (OpenAI: wav, mp3).
      content: [{ type: 'input_audio', input_audio: { data: question.toString('base64'), format: 'wav' } }],
    },
  ],
});

const { audio } = completion.choices[0].message;
if (!audio) throw new Error('The answer has no audio: does the model produce audio?');
await writeFile(output, Buffer.from(audio.data, 'base64'));
console.log(`transcript: ${audio.transcript}`);
console.log(`audio: ${output}`);
