import OpenAI, { AuthenticationError, BadRequestError, PermissionDeniedError } from 'openai';
import { speechPcm16 } from '@voxgate/testing';
import { spec, useRelayEnv } from './support/e2e-env';
import { RealtimeTestClient } from './support/realtime-client';
import { ALIAS, openaiClient, SNAPSHOT } from './support/relay-config';

type UsageEvent = { key_id: string; model: string; request_id: string };

async function usageEvents(gatewayUrl: string, billingKey: string): Promise<UsageEvent[]> {
  const since = Math.floor(Date.now() / 1000) - 3600;
  const response = await fetch(`${gatewayUrl}/v1/usage/events?start_time=${since}&format=jsonl`, {
    headers: { authorization: `Bearer ${billingKey}` },
  });
  expect(response.status).toBe(200);
  return (await response.text())
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as UsageEvent);
}

/** A realtime socket's refusal, read as the SDK's socket reports it (`Unexpected server response: 401`). */
async function refusedWith(gatewayUrl: string, key: string, model: string): Promise<string> {
  try {
    const client = await RealtimeTestClient.open(gatewayUrl, key, model);
    client.close();
    return 'opened';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('POST /v1/realtime/client_secrets (browser secrets)', () => {
  const env = useRelayEnv();

  const mint = (client: OpenAI, seconds?: number, session: Record<string, unknown> = {}) =>
    client.realtime.clientSecrets
      .create({
        ...(seconds === undefined ? {} : { expires_after: { anchor: 'created_at', seconds } }),
        session: { type: 'realtime', model: ALIAS, ...session },
      })
      .withResponse();

  it("mints in OpenAI's shape, opens a socket that starts with the bound settings, bills the minting key", async () => {
    const { gateway, client, tenantId, key } = env();
    const before = Math.floor(Date.now() / 1000);
    const { data, response } = await mint(client, undefined, {
      instructions: 'Answer like a pirate.',
      audio: { output: { voice: 'coral' }, input: { turn_detection: null } },
    });
    spec.assertValid('RealtimeCreateClientSecretResponse', data);
    expect(data.value).toMatch(/^ek_/);
    expect(data.expires_at).toBeGreaterThanOrEqual(before + 600);
    expect(data.expires_at).toBeLessThanOrEqual(before + 601);
    expect(data.session).toMatchObject({ model: ALIAS, instructions: 'Answer like a pirate.' });
    expect(response.headers.get('x-client-secret-id')).toMatch(/^cs_/);

    // The official realtime client with the secret as its key: the session starts as bound.
    const rt = await RealtimeTestClient.open(gateway.url, data.value, ALIAS);
    const created = await rt.next('session.created');
    expect(created.session).toMatchObject({
      instructions: 'Answer like a pirate.',
      audio: { input: { turn_detection: null }, output: { voice: 'coral' } },
    });
    rt.appendPcm16(speechPcm16());
    rt.send({ type: 'input_audio_buffer.commit' });
    rt.send({ type: 'response.create' });
    const done = await rt.next('response.done');
    expect(done.response.status).toBe('completed');
    rt.assertAllValid();
    rt.close();

    // Chat completions with the secret, its model only.
    const browser = openaiClient(gateway.url, data.value);
    const completion = await browser.chat.completions.create({
      model: ALIAS,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(completion.model).toBe(SNAPSHOT);
    const viaSnapshot = await browser.chat.completions.create({
      model: SNAPSHOT,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(viaSnapshot.model).toBe(SNAPSHOT);

    // Usage: the socket's turn and both completions, under the minting key.
    const billing = await gateway.admin('POST', `/admin/tenants/${tenantId}/keys`, {
      name: 'billing',
      scope: 'billing',
    });
    const billingKey = (billing.body as { key: string }).key;
    const mintingKeyId = (
      (await gateway.admin('GET', `/admin/tenants/${tenantId}/keys`)).body as {
        data: Array<{ id: string; name: string }>;
      }
    ).data.find((entry) => entry.name === 'test key')!.id;
    let events: UsageEvent[] = [];
    for (let attempt = 0; attempt < 50 && events.length < 3; attempt++) {
      events = await usageEvents(gateway.url, billingKey);
      if (events.length < 3) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(events.length).toBe(3);
    expect(events.every((event) => event.key_id === mintingKeyId)).toBe(true);

    // The plaintext secret is never logged.
    expect(gateway.output).not.toContain(data.value);
    expect(gateway.output).not.toContain(data.value.slice(-20));
    expect(key).toBeTruthy();
  });

  it('reaches nothing else: another model, another route, sessions, minting, revoking', async () => {
    const { gateway, client } = env();
    const { data } = await mint(client);
    const browser = openaiClient(gateway.url, data.value);

    const refusals = await Promise.all([
      browser.chat.completions
        .create({ model: 'gpt-4o-mini-audio-preview', messages: [{ role: 'user', content: 'hi' }] })
        .catch((error: unknown) => error),
      browser.models.list().catch((error: unknown) => error),
      // Its own model in the body, on a route that does not take client secrets.
      browser.audio.speech.create({ model: ALIAS, voice: 'alloy', input: 'hi' }).catch((error: unknown) => error),
      browser.files.list().catch((error: unknown) => error),
      browser.batches.list().catch((error: unknown) => error),
      browser.realtime.clientSecrets
        .create({ session: { type: 'realtime', model: ALIAS } })
        .catch((error: unknown) => error),
      browser.chat.completions
        .create({ model: ALIAS, messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'X-Session-Id': 's1' } })
        .catch((error: unknown) => error),
    ]);
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(PermissionDeniedError);
      expect((refusal as PermissionDeniedError).code).toBe('insufficient_permissions');
    }
    const usage = await fetch(`${gateway.url}/v1/usage`, { headers: { authorization: `Bearer ${data.value}` } });
    expect(usage.status).toBe(403);
    const admin = await fetch(`${gateway.url}/admin/tenants`, { headers: { authorization: `Bearer ${data.value}` } });
    expect(admin.status).toBe(401);

    // The socket for another model is refused before the upgrade.
    expect(await refusedWith(gateway.url, data.value, 'gpt-4o-mini-audio-preview')).toMatch(/403/);
  });

  it('refuses bad mint requests in the envelope: too long, missing model, transcription sessions', async () => {
    const { client } = env();
    const tooLong = await mint(client, 601).catch((error: unknown) => error);
    expect(tooLong).toBeInstanceOf(OpenAI.BadRequestError);
    expect((tooLong as BadRequestError).param).toBe('expires_after.seconds');
    const noModel = await client.realtime.clientSecrets
      .create({ session: { type: 'realtime' } })
      .catch((error: unknown) => error);
    expect(noModel).toBeInstanceOf(OpenAI.BadRequestError);
    expect((noModel as BadRequestError).param).toBe('session.model');
    const transcription = await client.realtime.clientSecrets
      .create({ session: { type: 'transcription' } })
      .catch((error: unknown) => error);
    expect(transcription).toBeInstanceOf(OpenAI.BadRequestError);
    const unknown = await mint(client, undefined, { model: 'no-such-model' }).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('revocation: by the minting key, and by the admin API; the next use is a 401', async () => {
    const { gateway, client, tenantId } = env();
    const first = await mint(client);
    const second = await mint(client);
    const firstId = first.response.headers.get('x-client-secret-id')!;
    const secondId = second.response.headers.get('x-client-secret-id')!;
    const browser = openaiClient(gateway.url, first.data.value);
    await browser.chat.completions.create({ model: ALIAS, messages: [{ role: 'user', content: 'hi' }] });

    // Another key of the same tenant cannot revoke it; the minting key can.
    const other = await gateway.admin('POST', `/admin/tenants/${tenantId}/keys`, { name: 'other' });
    const otherClient = openaiClient(gateway.url, (other.body as { key: string }).key);
    await expect(otherClient.delete(`/realtime/client_secrets/${firstId}`)).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
    await expect(client.delete(`/realtime/client_secrets/${firstId}`)).resolves.toEqual({
      object: 'realtime.client_secret.deleted',
      id: firstId,
      deleted: true,
    });
    const after = await browser.chat.completions
      .create({ model: ALIAS, messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(after).toBeInstanceOf(AuthenticationError);
    expect((after as AuthenticationError).code).toBe('invalid_api_key');
    expect(await refusedWith(gateway.url, first.data.value, ALIAS)).toMatch(/401/);

    const revoked = await gateway.admin('DELETE', `/admin/tenants/${tenantId}/client-secrets/${secondId}`);
    expect(revoked).toEqual({
      status: 200,
      body: { object: 'realtime.client_secret.deleted', id: secondId, deleted: true },
    });
    expect(await refusedWith(gateway.url, second.data.value, ALIAS)).toMatch(/401/);
    expect((await gateway.admin('DELETE', `/admin/tenants/${tenantId}/client-secrets/${secondId}`)).status).toBe(404);

    // A tampered value (another tenant in it, or other random bits) authenticates nothing.
    const forged = first.data.value.replace(/^ek_[^.]+/, 'ek_ten_other');
    expect(await refusedWith(gateway.url, forged, ALIAS)).toMatch(/401/);
  });

  it('expires: usable until expires_at, a 401 after (10 s, the shortest life)', async () => {
    const { gateway, client } = env();
    const { data } = await mint(client, 10);
    expect(await refusedWith(gateway.url, data.value, ALIAS)).toBe('opened');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, data.expires_at * 1000 - Date.now()) + 250));
    expect(await refusedWith(gateway.url, data.value, ALIAS)).toMatch(/401/);
    const late = await openaiClient(gateway.url, data.value)
      .chat.completions.create({ model: ALIAS, messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(late).toBeInstanceOf(AuthenticationError);
  }, 20_000);

  it('the browser subprotocol form works with a secret, and revoking the minting key ends its secrets', async () => {
    const { gateway } = env();
    const created = await gateway.admin('POST', `/admin/tenants/${env().tenantId}/keys`, { name: 'temp' });
    const { id, key } = created.body as { id: string; key: string };
    const { data } = await mint(openaiClient(gateway.url, key));
    const { default: WebSocket } = await import('ws');
    const url = `${gateway.url.replace('http', 'ws')}/v1/realtime?model=${ALIAS}`;
    const protocol = await new Promise<string>((resolve, reject) => {
      const socket = new WebSocket(url, ['realtime', `openai-insecure-api-key.${data.value}`]);
      socket.once('open', () => {
        resolve(socket.protocol);
        socket.close();
      });
      socket.once('error', reject);
    });
    expect(protocol).toBe('realtime');
    await gateway.admin('DELETE', `/admin/keys/${id}`);
    expect(await refusedWith(gateway.url, data.value, ALIAS)).toMatch(/401/);
  });
});
