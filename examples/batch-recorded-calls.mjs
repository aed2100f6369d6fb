// Summarises a folder of recorded calls in one batch (Files + Batches API, as with OpenAI): upload one JSONL
// line per call, create the batch, poll it, read the results. Good for overnight jobs: batches run on the
// gateway's workers under the same quotas, metering and tools as live requests.
//
//   VOXGATE_API_KEY=sk-vg-… node examples/batch-recorded-calls.mjs [folder]   (default: assets/calls)
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI, { toFile } from 'openai';

if (!process.env.VOXGATE_API_KEY) throw new Error('Set VOXGATE_API_KEY to a Voxgate key (npx voxgate keys create …)');
const client = new OpenAI({
  apiKey: process.env.VOXGATE_API_KEY,
  baseURL: `${process.env.VOXGATE_URL ?? 'http://127.0.0.1:8080'}/v1`,
});
const folder = process.argv[2] ?? fileURLToPath(new URL('./assets/calls/', import.meta.url));
const calls = (await readdir(folder)).filter((name) => /\.(wav|mp3|ogg|opus|webm|flac)$/i.test(name)).sort();

// One request per call; `custom_id` ties each result to its call. All lines of a file use one model.
const lines = [];
for (const name of calls) {
  const recording = await readFile(path.join(folder, name));
  lines.push({
    custom_id: name,
    method: 'POST',
    url: '/v1/chat/completions',
    body: {
      model: process.env.VOXGATE_MODEL ?? 'gpt-4o-audio-preview',
      messages: [
        { role: 'system', content: 'Summarise this customer call in one line: who calls and what they want.' },
        {
          role: 'user',
          // 'auto': Voxgate sniffs the format (this folder mixes mp3 and Ogg/Opus) and converts what the provider lacks.
          content: [{ type: 'input_audio', input_audio: { data: recording.toString('base64'), format: 'auto' } }],
        },
      ],
    },
  });
}

const jsonl = Buffer.from(lines.map((line) => JSON.stringify(line)).join('\n'));
const input = await client.files.create({ file: await toFile(jsonl, 'calls.jsonl'), purpose: 'batch' });
let batch = await client.batches.create({
  input_file_id: input.id,
  endpoint: '/v1/chat/completions',
  completion_window: '24h',
});
console.log(`batch ${batch.id}: ${lines.length} calls`);

while (!['completed', 'failed', 'expired', 'cancelled'].includes(batch.status)) {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  batch = await client.batches.retrieve(batch.id);
}
if (batch.status !== 'completed') throw new Error(`batch ${batch.status}: ${JSON.stringify(batch.errors?.data ?? [])}`);

// Answers are in the output file, failed lines (with OpenAI's error envelope) in the error file.
for (const fileId of [batch.output_file_id, batch.error_file_id]) {
  if (!fileId) continue;
  const results = (await (await client.files.content(fileId)).text()).trim().split('\n');
  for (const { custom_id, response } of results.map((line) => JSON.parse(line))) {
    if (response.status_code === 200) console.log(`${custom_id}: ${response.body.choices[0].message.content}`);
    else {
      console.log(`${custom_id}: failed (${response.status_code}): ${response.body.error?.message}`);
      process.exitCode = 1;
    }
  }
}
