import { useRelayEnv } from './support/e2e-env';
import { RealtimeTestClient } from './support/realtime-client';
import { relayConfig } from './support/relay-config';

const RT_SNAPSHOT = 'gpt-realtime-2025-08-28';
const RT_ALIAS = 'gpt-realtime';

type Json = Record<string, unknown>;

/**
 * Pass-through sessions (`realtime: passthrough`): a client secret's bound settings reach the provider,
 * and the client hears the tenant's rate limits, not the provider account's (issue #15).
 */
describe('GET /v1/realtime pass-through: client-secret settings and rate limits', () => {
  const models = [
    ...(relayConfig('http://unused').models as unknown[]),
    {
      id: RT_SNAPSHOT,
      aliases: [RT_ALIAS],
      provider: 'openai',
      realtime: 'passthrough',
      pricing: { textInput: '4.00', textOutput: '16.00', audioInput: '32.00', audioOutput: '64.00' },
    },
  ];
  const env = useRelayEnv({}, { models });
  const open: RealtimeTestClient[] = [];
  beforeEach(() => env().upstream.clear());
  afterEach(() => {
    for (const client of open.splice(0)) {
      client.assertAllValid();
      client.close();
    }
  });

  it("a client secret's bound settings are sent to the provider at open, and session.created carries them", async () => {
    const { gateway, client, upstream } = env();
    const { data } = await client.realtime.clientSecrets
      .create({
        session: {
          type: 'realtime',
          model: RT_ALIAS,
          instructions: 'Answer like a pirate.',
          audio: { output: { voice: 'coral' }, input: { turn_detection: { type: 'semantic_vad', eagerness: 'high' } } },
        },
      })
      .withResponse();
    const rt = await RealtimeTestClient.open(gateway.url, data.value, RT_ALIAS);
    open.push(rt);
    const created = await rt.next('session.created');
    expect(created.session).toMatchObject({
      model: RT_SNAPSHOT,
      instructions: 'Answer like a pirate.',
      audio: {
        output: { voice: 'coral' },
        input: { turn_detection: { type: 'semantic_vad', eagerness: 'high' } },
      },
    });
    // Only one session.created, and the gateway's own session.update is not echoed.
    rt.send({ type: 'session.update', session: { type: 'realtime', instructions: 'Be brief.' } });
    const updated = await rt.next('session.updated');
    expect(updated.session).toMatchObject({ instructions: 'Be brief.', audio: { output: { voice: 'coral' } } });
    expect(rt.of('session.created')).toHaveLength(1);
    expect(rt.of('session.updated')).toHaveLength(1);

    const sent = upstream.realtimeSessions[0]!.events as Json[];
    expect(sent[0]).toEqual({
      type: 'session.update',
      session: {
        type: 'realtime',
        instructions: 'Answer like a pirate.',
        audio: { output: { voice: 'coral' }, input: { turn_detection: { type: 'semantic_vad', eagerness: 'high' } } },
      },
    });
  });

  it("a tenant key's session opens with the provider's defaults, as before", async () => {
    const { gateway, key, upstream } = env();
    const rt = await RealtimeTestClient.open(gateway.url, key, RT_ALIAS);
    open.push(rt);
    await rt.next('session.created');
    expect(upstream.realtimeSessions[0]!.events).toEqual([]);
  });

  it("relays the tenant's rate limits after response.done, never the provider account's", async () => {
    const { gateway } = env();
    const { key, tenantId } = await gateway.createTenantKey('passthrough rate limits');
    const quotas = { requests_per_minute: 50, tokens_per_minute: 20_000 };
    expect((await gateway.admin('PUT', `/admin/tenants/${tenantId}/quotas`, quotas)).status).toBe(200);
    const rt = await RealtimeTestClient.open(gateway.url, key, RT_ALIAS);
    open.push(rt);
    await rt.next('session.created');
    rt.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello?' }] },
    });
    rt.send({ type: 'response.create' });
    await rt.next('response.done');
    const limits = await rt.next('rate_limits.updated');
    expect(rt.of('rate_limits.updated')).toHaveLength(1); // the provider's (sent at response start) was dropped
    const types = rt.events.map((event) => event.type);
    expect(types.indexOf('rate_limits.updated')).toBeGreaterThan(types.indexOf('response.done'));
    const byName = Object.fromEntries((limits.rate_limits ?? []).map((limit) => [limit.name, limit]));
    expect(byName.requests).toMatchObject({ limit: 50 });
    expect(byName.tokens).toMatchObject({ limit: 20_000 });
    expect(byName.tokens!.remaining).toBeLessThan(20_000);
    expect(byName.requests!.remaining).toBeLessThan(50);
  });
});
