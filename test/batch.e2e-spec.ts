import type OpenAI from 'openai';
import { toFile } from 'openai';
import { DEFAULT_TEXT_ANSWER, FakeUpstream } from '@voxgate/testing';
import { spec, validator } from './support/e2e-env';
import {
  assertValidBatch,
  batchLine,
  downloadLines,
  type OutputLine,
  uploadLines,
  waitForBatch,
} from './support/batch-client';
import { GatewayProcess } from './support/gateway-process';
import { awayFromMinuteBoundary } from './support/quota-window';
import { WorkerProcess } from './support/worker-process';
import { openaiClient, relayConfig, SNAPSHOT, UPSTREAM_KEY } from './support/relay-config';

const MAX_FILE_BYTES = 64 * 1024;
const ask = (content: string) => ({ model: SNAPSHOT, messages: [{ role: 'user', content }] });
type Sent = { messages: { role: string; content?: unknown; tool_call_id?: string }[] };
type UsageEvent = { id: string; key_id: string; status: string; tool_calls: number; total_tokens?: number };

/** The usage events of `billingKey`'s tenant since an hour ago, through the usage export. */
async function usageEvents(gateway: GatewayProcess, billingKey: string): Promise<UsageEvent[]> {
  const since = Math.floor(Date.now() / 1000) - 3600;
  const exported = await fetch(`${gateway.url}/v1/usage/events?start_time=${since}&format=jsonl`, {
    headers: { authorization: `Bearer ${billingKey}` },
  });
  const text = (await exported.text()).trim();
  return text === '' ? [] : text.split('\n').map((line) => JSON.parse(line) as UsageEvent);
}

/** `voxgate_quota_refusals_total` summed over the series whose labels contain `labels`. */
async function quotaRefusals(gateway: GatewayProcess, labels: string): Promise<number> {
  const response = await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${gateway.adminKey}` } });
  return (await response.text())
    .split('\n')
    .filter((line) => line.startsWith('voxgate_quota_refusals_total{') && line.includes(labels))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

describe('Batch API (/v1/files, /v1/batches) with the worker in the gateway', () => {
  let upstream: FakeUpstream;
  let gateway: GatewayProcess;
  let client: OpenAI;
  let tenantId: string;
  let keyId: string;

  beforeAll(async () => {
    upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    gateway = await GatewayProcess.start({
      config: {
        ...relayConfig(upstream.baseUrl),
        batch: {
          maxFileBytes: MAX_FILE_BYTES,
          lineConcurrency: 4,
          rateLimitMaxWaitMs: 200,
          serverErrorRetries: 1,
          serverErrorBackoffMs: 50,
        },
      },
    });
    const created = await gateway.createTenantKey('batch tenant');
    ({ tenantId, keyId } = created);
    client = openaiClient(gateway.url, created.key);
  });
  beforeEach(() => upstream.clear());
  afterEach(() => upstream.assertNoViolations());
  afterAll(async () => {
    await gateway.stop();
    await upstream.stop();
  });

  it('runs a batch end to end with the SDK: upload, create, poll, download spec-valid completions', async () => {
    const inputFileId = await uploadLines(client, [
      batchLine('q-1', ask('What is 2+2?')),
      batchLine('q-2', ask('Name a colour.')),
      batchLine('q-3', ask('Say hi.')),
    ]);
    const created = await client.batches.create({
      input_file_id: inputFileId,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
      metadata: { job: 'nightly' },
    });
    expect(created).toMatchObject({ object: 'batch', status: 'validating', input_file_id: inputFileId });
    expect(created.id).toMatch(/^batch_/);
    expect(created.expires_at! - created.created_at).toBe(86_400);
    assertValidBatch(created);

    const batch = await waitForBatch(client, created.id);
    assertValidBatch(batch);
    expect(batch).toMatchObject({
      status: 'completed',
      model: SNAPSHOT,
      error_file_id: null,
      request_counts: { total: 3, completed: 3, failed: 0 },
      metadata: { job: 'nightly' },
      errors: null,
    });
    for (const stamp of ['in_progress_at', 'finalizing_at', 'completed_at'] as const)
      expect(batch[stamp]).toBeGreaterThanOrEqual(batch.created_at);

    const output = await downloadLines(client, batch.output_file_id);
    expect(output.map((line) => line.custom_id)).toEqual(['q-1', 'q-2', 'q-3']);
    for (const line of output) {
      expect(line).toMatchObject({ id: expect.stringMatching(/^batch_req_/), error: null });
      expect(line.response?.status_code).toBe(200);
      expect(line.response?.request_id).toMatch(/^req_/);
      spec.assertValid('CreateChatCompletionResponse', line.response?.body);
    }
    const usage = output.map(
      (line) => line.response!.body.usage as { prompt_tokens: number; completion_tokens: number },
    );
    expect(batch.usage?.input_tokens).toBe(usage.reduce((sum, u) => sum + u.prompt_tokens, 0));
    expect(batch.usage?.output_tokens).toBe(usage.reduce((sum, u) => sum + u.completion_tokens, 0));
    expect(batch.usage?.input_tokens).toBeGreaterThan(0);

    const outputFile = await client.files.retrieve(batch.output_file_id!);
    spec.assertValid('OpenAIFile', outputFile);
    expect(outputFile).toMatchObject({ purpose: 'batch_output', filename: `${batch.id}_output.jsonl` });
    const listed = await fetch(`${gateway.url}/v1/files?purpose=batch_output&order=asc`, {
      headers: { authorization: `Bearer ${client.apiKey}` },
    });
    const outputs = (await listed.json()) as { data: { id: string }[] };
    spec.assertValid('ListFilesResponse', outputs);
    expect(outputs.data.map((file) => file.id)).toContain(outputFile.id);
    const batches = await client.batches.list({ limit: 5 });
    expect(batches.data[0]?.id).toBe(batch.id);
    for (const entry of batches.data) assertValidBatch(entry);
  });

  it('splits mixed lines into output and error files with OpenAI error bodies, in input order', async () => {
    const inputFileId = await uploadLines(client, [
      batchLine('good-1', ask('one')),
      batchLine('unknown-field', { ...ask('two'), bogus: true }),
      batchLine('streamed', { ...ask('three'), stream: true }),
      batchLine('good-2', ask('four')),
    ]);
    const batch = await waitForBatch(
      client,
      (
        await client.batches.create({
          input_file_id: inputFileId,
          endpoint: '/v1/chat/completions',
          completion_window: '24h',
        })
      ).id,
    );
    expect(batch).toMatchObject({ status: 'completed', request_counts: { total: 4, completed: 2, failed: 2 } });
    expect((await downloadLines(client, batch.output_file_id)).map((line) => line.custom_id)).toEqual([
      'good-1',
      'good-2',
    ]);
    const errors = await downloadLines(client, batch.error_file_id);
    expect(errors.map((line) => line.custom_id)).toEqual(['unknown-field', 'streamed']);
    for (const line of errors) {
      expect(line.error).toBeNull();
      expect(line.response?.status_code).toBe(400);
      spec.assertValid('ErrorResponse', line.response?.body);
    }
    expect(errors[0]?.response?.body).toMatchObject({ error: { code: 'unknown_parameter', param: 'bogus' } });
    expect(errors[1]?.response?.body).toMatchObject({ error: { param: 'stream' } });
    expect(upstream.requests).toHaveLength(2);
  });

  it('answers malformed lines with exactly the status and body the HTTP route gives the same body', async () => {
    const malformed: Record<string, unknown>[] = [
      { ...ask('x'), bogus: true },
      { model: SNAPSHOT },
      { ...ask('x'), temperature: 'hot' },
      { model: SNAPSHOT, messages: [{ role: 'wizard', content: 'x' }] },
      { ...ask('x'), stream_options: { include_usage: 'yes' } },
    ];
    const inputFileId = await uploadLines(
      client,
      malformed.map((body, index) => batchLine(`bad-${index}`, body)),
    );
    const batch = await waitForBatch(
      client,
      (
        await client.batches.create({
          input_file_id: inputFileId,
          endpoint: '/v1/chat/completions',
          completion_window: '24h',
        })
      ).id,
    );
    expect(batch).toMatchObject({ status: 'completed', request_counts: { total: 5, completed: 0, failed: 5 } });
    const errors = await downloadLines(client, batch.error_file_id);
    expect(errors.map((line) => line.custom_id)).toEqual(malformed.map((_, index) => `bad-${index}`));
    for (const [index, body] of malformed.entries()) {
      const http = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${client.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(http.status).toBeGreaterThanOrEqual(400);
      expect(errors[index]?.response?.status_code).toBe(http.status);
      expect(errors[index]?.response?.body).toEqual(await http.json());
      spec.assertValid('ErrorResponse', errors[index]?.response?.body);
    }
    expect(upstream.requests).toHaveLength(0);
  });

  it("runs a line's server tool in the gateway and stores the tool round in the line's session", async () => {
    const owner = await gateway.createTenantKey('batch tools tenant');
    const owned = openaiClient(gateway.url, owner.key);
    expect(
      (
        await gateway.admin('POST', '/admin/tools', {
          name: 'kb',
          implementation: { type: 'builtin', module: 'search' },
        })
      ).status,
    ).toBe(201);
    expect((await gateway.admin('PUT', `/admin/tenants/${owner.tenantId}/tools/kb`)).status).toBe(200);
    const documents = [{ id: 'hours', title: 'Opening hours', text: 'The restaurant opens at 7 pm.' }];
    expect(
      (await gateway.admin('POST', `/admin/tenants/${owner.tenantId}/search/documents`, { documents })).status,
    ).toBe(201);
    upstream.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'kb', arguments: { query: 'when do you open' }, id: 'call_kb' }] },
      { kind: 'completion', message: { content: 'We open at 7 pm.' } },
    );
    const inputFileId = await uploadLines(owned, [
      batchLine('tool-1', ask('When do you open?'), { session_id: 'batch-tools-1' }),
    ]);
    const batch = await waitForBatch(
      owned,
      (
        await owned.batches.create({
          input_file_id: inputFileId,
          endpoint: '/v1/chat/completions',
          completion_window: '24h',
        })
      ).id,
    );
    expect(batch.request_counts).toEqual({ total: 1, completed: 1, failed: 0 });
    const [output] = await downloadLines(owned, batch.output_file_id);
    const body = output!.response!.body as {
      choices: { message: { content: string } }[];
      voxgate?: { tool_runs: unknown[] };
    };
    expect(body.choices[0]?.message.content).toBe('We open at 7 pm.');
    expect(body.voxgate?.tool_runs).toEqual([expect.objectContaining({ name: 'kb', status: 'ok', replayed: false })]);
    const [first, second] = upstream.requests.map((request) => request.body as Sent & { tools?: unknown[] });
    expect(first?.tools).toHaveLength(1);
    expect(second?.messages.find((message) => message.role === 'tool')?.tool_call_id).toBe('call_kb');
    const session = await fetch(`${gateway.url}/v1/sessions/batch-tools-1`, {
      headers: { authorization: `Bearer ${owner.key}` },
    });
    const history = (await session.json()) as { turns: { messages: { role: string }[] }[] };
    expect(history.turns.map((turn) => turn.messages.map((message) => message.role))).toEqual([
      ['user', 'assistant', 'tool', 'assistant'],
    ]);
    const billing = (
      await gateway.admin('POST', `/admin/tenants/${owner.tenantId}/keys`, { name: 'erp', scope: 'billing' })
    ).body as { key: string };
    const events = await usageEvents(gateway, billing.key);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ id: output!.response!.request_id, status: 'completed', tool_calls: 1 });
  });

  it('waits out a quota 429 and retries the line, metering it once', async () => {
    const owner = await gateway.createTenantKey('batch quota tenant');
    const owned = openaiClient(gateway.url, owner.key);
    expect(
      (await gateway.admin('PUT', `/admin/tenants/${owner.tenantId}/quotas`, { requests_per_minute: 1 })).status,
    ).toBe(200);
    await awayFromMinuteBoundary(20_000);
    await owned.chat.completions.create({ model: SNAPSHOT, messages: [{ role: 'user', content: 'spend the minute' }] });
    const refusedBefore = await quotaRefusals(gateway, 'limit="requests_per_minute"');
    const inputFileId = await uploadLines(owned, [batchLine('limited', ask('wait for me'))]);
    const created = await owned.batches.create({
      input_file_id: inputFileId,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    // Refused, waited (rateLimitMaxWaitMs: 200) and refused again: the line is being retried.
    const deadline = Date.now() + 10_000;
    while ((await quotaRefusals(gateway, 'limit="requests_per_minute"')) < refusedBefore + 2) {
      if (Date.now() > deadline) throw new Error('the batch line was not refused twice');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await owned.batches.retrieve(created.id)).status).toBe('in_progress');
    expect(upstream.requests).toHaveLength(1);
    expect(
      (await gateway.admin('PUT', `/admin/tenants/${owner.tenantId}/quotas`, { requests_per_minute: 1000 })).status,
    ).toBe(200);
    const batch = await waitForBatch(owned, created.id);
    expect(batch).toMatchObject({ status: 'completed', request_counts: { total: 1, completed: 1, failed: 0 } });
    const [output] = await downloadLines(owned, batch.output_file_id);
    expect(output?.response?.status_code).toBe(200);
    expect(upstream.requests).toHaveLength(2);
    const billing = (
      await gateway.admin('POST', `/admin/tenants/${owner.tenantId}/keys`, { name: 'erp', scope: 'billing' })
    ).body as { key: string };
    // The HTTP request and the line, once: refused attempts were never admitted, so never metered.
    const events = await usageEvents(gateway, billing.key);
    expect(events).toHaveLength(2);
    expect(events.filter((event) => event.id === output!.response!.request_id)).toHaveLength(1);
    expect(events.every((event) => event.status === 'completed')).toBe(true);
  });

  it('retries a line the upstream fails, then records the 502 the HTTP route answers for the same failure', async () => {
    const failure = {
      kind: 'json' as const,
      status: 503,
      body: { error: { message: 'overloaded', type: 'server_error', param: null, code: null } },
    };
    // Two executions of the line (serverErrorRetries: 1), each the provider adapter's two attempts.
    upstream.enqueue(failure, failure, failure, failure);
    const inputFileId = await uploadLines(client, [batchLine('down', ask('anyone there?'))]);
    const batch = await waitForBatch(
      client,
      (
        await client.batches.create({
          input_file_id: inputFileId,
          endpoint: '/v1/chat/completions',
          completion_window: '24h',
        })
      ).id,
    );
    expect(batch).toMatchObject({ status: 'completed', request_counts: { total: 1, completed: 0, failed: 1 } });
    expect(upstream.requests).toHaveLength(4);
    const [line] = await downloadLines(client, batch.error_file_id);
    upstream.enqueue(failure, failure);
    const http = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${client.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(ask('anyone there?')),
    });
    expect(http.status).toBe(502);
    expect(line?.response?.status_code).toBe(502);
    expect(line?.response?.body).toEqual(await http.json());
    expect(JSON.stringify(line)).not.toContain(UPSTREAM_KEY);
  });

  it('fails a batch whose input file is invalid, with every error and its line number', async () => {
    const inputFileId = await uploadLines(client, [
      batchLine('a', ask('x')),
      '{"custom_id": "broken"',
      batchLine('a', ask('y')),
      batchLine('c', ask('z'), { url: '/v1/embeddings' }),
      batchLine('d', { ...ask('w'), model: 'gpt-4o-mini-audio-preview' }),
    ]);
    const created = await client.batches.create({
      input_file_id: inputFileId,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    const batch = await waitForBatch(client, created.id);
    assertValidBatch(batch);
    expect(batch).toMatchObject({ status: 'failed', output_file_id: null, error_file_id: null });
    expect(batch.failed_at).toBeGreaterThanOrEqual(batch.created_at);
    expect(batch.errors?.data?.map((error) => [error.code, error.line])).toEqual([
      ['invalid_json_line', 2],
      ['duplicate_custom_id', 3],
      ['url_mismatch', 4],
      ['model_mismatch', 5],
    ]);
    const empty = await client.batches.create({
      input_file_id: await uploadLines(client, ['']),
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    expect((await waitForBatch(client, empty.id)).errors?.data?.[0]?.code).toBe('empty_file');
    expect(upstream.requests).toHaveLength(0);
  });

  it('refuses bad uploads and bad create requests with OpenAI-shaped 4xx naming the parameter', async () => {
    const refused = (promise: Promise<unknown>) =>
      promise.then(
        () => 'accepted',
        (error: unknown) => error,
      );
    expect(
      await refused(client.files.create({ file: await toFile(Buffer.from('{}'), 'notes.txt'), purpose: 'batch' })),
    ).toMatchObject({ status: 400, param: 'file', code: 'invalid_file_format' });
    expect(
      await refused(client.files.create({ file: await toFile(Buffer.from('{}\n'), 'a.jsonl'), purpose: 'assistants' })),
    ).toMatchObject({ status: 400, param: 'purpose' });
    const shortLived = await client.files.create({
      file: await toFile(Buffer.from('{}\n'), 'short.jsonl'),
      purpose: 'batch',
      expires_after: { anchor: 'created_at', seconds: 3600 },
    });
    expect(shortLived.expires_at! - shortLived.created_at).toBe(3600);
    const tooBig = Buffer.alloc(MAX_FILE_BYTES + 1024, 'a');
    expect(
      await refused(client.files.create({ file: await toFile(tooBig, 'big.jsonl'), purpose: 'batch' })),
    ).toMatchObject({ status: 413, code: 'file_too_large' });
    const inputFileId = await uploadLines(client, [batchLine('a', ask('x'))]);
    expect(
      await refused(
        client.batches.create({ input_file_id: inputFileId, endpoint: '/v1/embeddings', completion_window: '24h' }),
      ),
    ).toMatchObject({ status: 400, param: 'endpoint' });
    expect(
      await refused(
        client.batches.create({
          input_file_id: 'file-nope',
          endpoint: '/v1/chat/completions',
          completion_window: '24h',
        }),
      ),
    ).toMatchObject({ status: 400, param: 'input_file_id' });
    const tooMuchMetadata = Object.fromEntries(Array.from({ length: 17 }, (_, index) => [`k${index}`, 'v']));
    expect(
      await refused(
        client.batches.create({
          input_file_id: inputFileId,
          endpoint: '/v1/chat/completions',
          completion_window: '24h',
          metadata: tooMuchMetadata,
        }),
      ),
    ).toMatchObject({ status: 400, param: 'metadata' });
  });

  it('cancels a running batch: cancelling, then cancelled with the partial results', async () => {
    upstream.enqueue(...Array.from({ length: 12 }, () => ({ kind: 'delay' as const, ms: 300 })));
    const inputFileId = await uploadLines(
      client,
      Array.from({ length: 12 }, (_, index) => batchLine(`slow-${index}`, ask(`question ${index}`))),
    );
    const created = await client.batches.create({
      input_file_id: inputFileId,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    await waitForBatch(client, created.id, ['in_progress']);
    await upstream.waitForRequests(1, 5_000);
    const cancelling = await client.batches.cancel(created.id);
    expect(cancelling.status).toBe('cancelling');
    expect(cancelling.cancelling_at).toBeGreaterThan(0);
    const batch = await waitForBatch(client, created.id, ['cancelled']);
    assertValidBatch(batch);
    expect(batch.cancelled_at).toBeGreaterThanOrEqual(batch.cancelling_at!);
    const finished = batch.request_counts!.completed;
    expect(finished).toBeGreaterThan(0);
    expect(finished).toBeLessThan(12);
    const output = await downloadLines(client, batch.output_file_id);
    expect(output).toHaveLength(finished);
    const order = output.map((line: OutputLine) => Number(line.custom_id.split('-')[1]));
    expect(order).toEqual([...order].sort((a, b) => a - b));

    const again = await client.batches.cancel(created.id);
    expect(again.status).toBe('cancelled');
    const done = await waitForBatch(
      client,
      (
        await client.batches.create({
          input_file_id: await uploadLines(client, [batchLine('x', ask('x'))]),
          endpoint: '/v1/chat/completions',
          completion_window: '24h',
        })
      ).id,
    );
    await expect(client.batches.cancel(done.id)).rejects.toMatchObject({ status: 409, code: 'batch_not_cancellable' });
  });

  it('keeps tenants apart: another tenant’s files and batches are 404s and never listed', async () => {
    const inputFileId = await uploadLines(client, [batchLine('mine', ask('x'))]);
    const batch = await waitForBatch(
      client,
      (
        await client.batches.create({
          input_file_id: inputFileId,
          endpoint: '/v1/chat/completions',
          completion_window: '24h',
        })
      ).id,
    );
    const stranger = openaiClient(gateway.url, (await gateway.createTenantKey('stranger')).key);
    const notFound = { status: 404, error: { type: 'invalid_request_error' } };
    await expect(stranger.files.retrieve(inputFileId)).rejects.toMatchObject({ ...notFound, code: 'file_not_found' });
    await expect(stranger.files.content(batch.output_file_id!)).rejects.toMatchObject(notFound);
    await expect(stranger.files.delete(inputFileId)).rejects.toMatchObject(notFound);
    await expect(stranger.batches.retrieve(batch.id)).rejects.toMatchObject({ ...notFound, code: 'batch_not_found' });
    await expect(stranger.batches.cancel(batch.id)).rejects.toMatchObject(notFound);
    await expect(
      stranger.batches.create({
        input_file_id: inputFileId,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
      }),
    ).rejects.toMatchObject({ status: 400, param: 'input_file_id' });
    expect((await stranger.files.list()).data).toEqual([]);
    expect((await stranger.batches.list()).data).toEqual([]);
    // Still there for its owner; deleting it makes it a 404 for the owner too.
    expect((await client.files.retrieve(inputFileId)).id).toBe(inputFileId);
    expect(await client.files.delete(inputFileId)).toEqual({ id: inputFileId, object: 'file', deleted: true });
    await expect(client.files.retrieve(inputFileId)).rejects.toMatchObject({ status: 404 });
  });

  it('runs the lines of one session in order, each seeing the turns before it, beside other lines', async () => {
    const inputFileId = await uploadLines(client, [
      batchLine('turn-1', ask('My name is Ada.'), { session_id: 'batch-call-1' }),
      batchLine('other', ask('Unrelated question.')),
      batchLine('turn-2', ask('What is my name?'), { session_id: 'batch-call-1' }),
    ]);
    const batch = await waitForBatch(
      client,
      (
        await client.batches.create({
          input_file_id: inputFileId,
          endpoint: '/v1/chat/completions',
          completion_window: '24h',
        })
      ).id,
    );
    expect(batch.request_counts).toEqual({ total: 3, completed: 3, failed: 0 });
    const second = upstream.requests
      .map((request) => request.body as Sent)
      .find((body) => body.messages.at(-1)?.content === 'What is my name?');
    expect(second?.messages.map((message) => [message.role, message.content])).toEqual([
      ['user', 'My name is Ada.'],
      ['assistant', DEFAULT_TEXT_ANSWER],
      ['user', 'What is my name?'],
    ]);
    const session = await fetch(`${gateway.url}/v1/sessions/batch-call-1`, {
      headers: { authorization: `Bearer ${client.apiKey}` },
    });
    const history = (await session.json()) as { turns: { messages: { role: string; content?: unknown }[] }[] };
    expect(history.turns.map((turn) => turn.messages.map((message) => message.content))).toEqual([
      ['My name is Ada.', DEFAULT_TEXT_ANSWER],
      ['What is my name?', DEFAULT_TEXT_ANSWER],
    ]);
  });

  it('meters every line as a request of the batch’s key, with the tokens the batch reports', async () => {
    const billing = (await gateway.admin('POST', `/admin/tenants/${tenantId}/keys`, { name: 'erp', scope: 'billing' }))
      .body as { key: string };
    const inputFileId = await uploadLines(client, [batchLine('m-1', ask('a')), batchLine('m-2', ask('b'))]);
    const batch = await waitForBatch(
      client,
      (
        await client.batches.create({
          input_file_id: inputFileId,
          endpoint: '/v1/chat/completions',
          completion_window: '24h',
        })
      ).id,
    );
    const requestIds = (await downloadLines(client, batch.output_file_id)).map((line) => line.response!.request_id);
    const since = Math.floor(Date.now() / 1000) - 3600;
    const exported = await fetch(`${gateway.url}/v1/usage/events?start_time=${since}&format=jsonl`, {
      headers: { authorization: `Bearer ${billing.key}` },
    });
    const events = (await exported.text())
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            id: string;
            key_id: string;
            status: string;
            input_text_tokens: number;
            output_text_tokens: number;
          },
      )
      .filter((event) => requestIds.includes(event.id));
    expect(events).toHaveLength(2);
    for (const event of events) expect(event).toMatchObject({ key_id: keyId, status: 'completed' });
    expect(events.reduce((sum, event) => sum + event.input_text_tokens, 0)).toBe(batch.usage?.input_tokens);
    expect(events.reduce((sum, event) => sum + event.output_text_tokens, 0)).toBe(batch.usage?.output_tokens);
  });

  it('fails the remaining lines with 401 once the creating key is revoked', async () => {
    const doomed = await gateway.admin('POST', `/admin/tenants/${tenantId}/keys`, { name: 'doomed' });
    const { id: doomedId, key } = doomed.body as { id: string; key: string };
    const doomedClient = openaiClient(gateway.url, key);
    upstream.enqueue(...Array.from({ length: 2 }, () => ({ kind: 'delay' as const, ms: 800 })));
    const inputFileId = await uploadLines(
      doomedClient,
      Array.from({ length: 6 }, (_, index) =>
        batchLine(`r-${index}`, ask(`q ${index}`), { session_id: 'revoked-call' }),
      ),
    );
    const created = await doomedClient.batches.create({
      input_file_id: inputFileId,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    await upstream.waitForRequests(1, 5_000);
    expect((await gateway.admin('DELETE', `/admin/keys/${doomedId}`)).status).toBe(200);
    // The batch is still the tenant's: another key of the tenant can read it.
    const batch = await waitForBatch(client, created.id);
    expect(batch.status).toBe('completed');
    expect(batch.request_counts!.completed).toBeGreaterThanOrEqual(1);
    expect(batch.request_counts!.failed).toBeGreaterThanOrEqual(1);
    const errors = await downloadLines(client, batch.error_file_id);
    for (const line of errors)
      expect(line.response).toMatchObject({ status_code: 401, body: { error: { code: 'invalid_api_key' } } });
  });
});

describe('Batch API with a dedicated worker process', () => {
  it('leaves batches queued while no worker runs, and a separate worker finishes them', async () => {
    const upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    const config = { ...relayConfig(upstream.baseUrl), batch: { runWorkerInGateway: false } };
    const gateway = await GatewayProcess.start({ config });
    let worker: WorkerProcess | undefined;
    try {
      const { key, tenantId } = await gateway.createTenantKey();
      const client = openaiClient(gateway.url, key);
      const inputFileId = await uploadLines(client, [batchLine('w-1', ask('x')), batchLine('w-2', ask('y'))]);
      const created = await client.batches.create({
        input_file_id: inputFileId,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await client.batches.retrieve(created.id)).status).toBe('validating');
      expect(upstream.requests).toHaveLength(0);

      // A batch whose key is revoked between submit and run: every line is a 401 line, nothing reaches the model.
      const doomed = await gateway.admin('POST', `/admin/tenants/${tenantId}/keys`, { name: 'doomed' });
      const { id: doomedId, key: doomedKey } = doomed.body as { id: string; key: string };
      const doomedClient = openaiClient(gateway.url, doomedKey);
      const orphan = await doomedClient.batches.create({
        input_file_id: await uploadLines(doomedClient, [batchLine('o-1', ask('x')), batchLine('o-2', ask('y'))]),
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
      });
      expect((await gateway.admin('DELETE', `/admin/keys/${doomedId}`)).status).toBe(200);

      worker = await WorkerProcess.start({ redisPrefix: gateway.redisPrefix, config });
      const batch = await waitForBatch(client, created.id);
      expect(batch).toMatchObject({ status: 'completed', request_counts: { total: 2, completed: 2, failed: 0 } });
      expect(await downloadLines(client, batch.output_file_id)).toHaveLength(2);
      const orphaned = await waitForBatch(client, orphan.id);
      expect(orphaned).toMatchObject({ status: 'completed', request_counts: { total: 2, completed: 0, failed: 2 } });
      for (const line of await downloadLines(client, orphaned.error_file_id))
        expect(line.response).toMatchObject({ status_code: 401, body: { error: { code: 'invalid_api_key' } } });
      expect(upstream.requests).toHaveLength(2);
      await worker.stop();
      expect(worker.output).toContain('"msg":"batch job finished"');
      expect(worker.output).not.toContain('"level":"error"');
      upstream.assertNoViolations();
    } finally {
      await worker?.stop();
      await gateway.stop();
      await upstream.stop();
    }
  });
});
