import OpenAI, { toFile } from 'openai';
import type { Batch } from 'openai/resources/batches';
import { spec } from './e2e-env';

/** One JSONL line of a batch input file for `/v1/chat/completions`. */
export function batchLine(
  customId: string,
  body: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { custom_id: customId, method: 'POST', url: '/v1/chat/completions', body, ...extra };
}

/** Uploads `lines` with the SDK as a `batch` file and returns its id. */
export async function uploadLines(client: OpenAI, lines: (Record<string, unknown> | string)[], name = 'input.jsonl') {
  const text = lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n';
  const file = await client.files.create({ file: await toFile(Buffer.from(text), name), purpose: 'batch' });
  spec.assertValid('OpenAIFile', file);
  return file.id;
}

/** Polls the batch with the SDK until its status is one of `statuses`. */
export async function waitForBatch(
  client: OpenAI,
  batchId: string,
  statuses: Batch['status'][] = ['completed', 'failed', 'cancelled', 'expired'],
  timeoutMs = 20_000,
): Promise<Batch> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batch = await client.batches.retrieve(batchId);
    if (statuses.includes(batch.status)) return batch;
    if (Date.now() > deadline) throw new Error(`batch ${batchId} is still '${batch.status}' after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The JSONL lines of a file, downloaded with the SDK; [] for a null id. */
export async function downloadLines(client: OpenAI, fileId: string | null | undefined): Promise<OutputLine[]> {
  if (!fileId) return [];
  const response = await client.files.content(fileId);
  return (await response.text())
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as OutputLine);
}

export interface OutputLine {
  id: string;
  custom_id: string;
  response: { status_code: number; request_id: string; body: Record<string, unknown> } | null;
  error: { code: string; message: string } | null;
}

/**
 * Checks a batch against the spec's `Batch`. OpenAI sends unset timestamps and file ids as null (the spec's
 * own example does) although the schema types them as plain strings/integers, so null keys are left out
 * of the check; every key that is present must be declared and well-typed.
 */
export function assertValidBatch(batch: unknown): void {
  const present = Object.fromEntries(Object.entries(batch as Record<string, unknown>).filter(([, v]) => v !== null));
  spec.assertValid('Batch', present);
}
