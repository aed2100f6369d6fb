import { toFile } from 'openai';
import { adminCases, readRouteCases } from './support/adversarial/admin-usage.cases';
import {
  type AttackCase,
  type AttackContext,
  type Caller,
  problemWith,
  send,
  sendRaw,
} from './support/adversarial/attack-case';
import { audioCases } from './support/adversarial/audio.cases';
import { chatJsonCases, chatMultipartCases } from './support/adversarial/chat.cases';
import { batchCreateCases, fileAndBatchReadCases, fileUploadCases } from './support/adversarial/files-batches.cases';
import { authCases, pathAndMethodCases, rawCases } from './support/adversarial/http.cases';
import { spec, useRelayEnv } from './support/e2e-env';
import { SNAPSHOT } from './support/relay-config';

const BODY_LIMIT = 256 * 1024;

/**
 * An attacker's afternoon with a tenant key, table-driven: hundreds of malformed requests across every
 * route. Every answer must be a 4xx in OpenAI's envelope with the right status, never a 5xx; afterwards
 * the same process must still answer valid requests correctly (nothing it was sent polluted shared
 * state), and its memory must not keep growing when the whole attack is repeated.
 */
describe('adversarial input', () => {
  const env = useRelayEnv({}, { server: { bodyLimitBytes: BODY_LIMIT }, batch: { maxFileBytes: BODY_LIMIT } });
  let context: AttackContext;
  let credentials: Record<Caller, string | null>;

  beforeAll(async () => {
    const { gateway, key, tenantId } = env();
    const keys = (await gateway.admin('GET', `/admin/tenants/${tenantId}/keys`)).body as { data: { id: string }[] };
    const billing = await gateway.admin('POST', `/admin/tenants/${tenantId}/keys`, {
      name: 'billing',
      scope: 'billing',
    });
    context = { tenantId, keyId: keys.data[0]!.id, bodyLimit: BODY_LIMIT };
    credentials = { tenant: key, billing: (billing.body as { key: string }).key, admin: gateway.adminKey, none: null };
  });

  const groups: readonly [string, () => AttackCase[]][] = [
    ['chat completions JSON', () => chatJsonCases(context)],
    ['chat completions multipart', () => chatMultipartCases(context)],
    ['input audio', () => audioCases()],
    ['file uploads', () => fileUploadCases(context)],
    ['files and batches reads', () => fileAndBatchReadCases()],
    ['batch creation', () => batchCreateCases()],
    ['admin', () => adminCases(context)],
    ['usage, sessions, models', () => readRouteCases()],
    ['authentication', () => authCases()],
    ['paths and methods', () => pathAndMethodCases()],
  ];

  async function attack(cases: readonly AttackCase[]): Promise<string[]> {
    const { gateway } = env();
    const problems: string[] = [];
    const queue = [...cases];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let attack = queue.shift(); attack; attack = queue.shift()) {
          const logged = gateway.output.length;
          const answer = await send(gateway.url, attack, credentials).catch((error: Error) => ({
            status: 0,
            contentType: '',
            body: error.message,
          }));
          const problem = problemWith(answer, attack.status, attack.code);
          // A 5xx names its cause from the gateway's own log, so a failure here says what broke.
          const cause =
            answer.status >= 500 ? /"unhandled error".*$/m.exec(gateway.output.slice(logged))?.[0] : undefined;
          if (problem) problems.push(`${attack.name}: ${problem}${cause ? `\n  log: ${cause.slice(0, 600)}` : ''}`);
        }
      }),
    );
    return problems;
  }

  let total = 0;
  it.each(groups)('%s: every malformed request is a 4xx in OpenAI’s envelope', async (_group, cases) => {
    const attacks = cases();
    total += attacks.length;
    expect(await attack(attacks)).toEqual([]);
  });

  it('answers bytes that are not HTTP in the envelope too', async () => {
    const { gateway } = env();
    const problems: string[] = [];
    for (const raw of rawCases()) {
      const problem = problemWith(await sendRaw(gateway.url, raw), raw.status);
      if (problem) problems.push(`${raw.name}: ${problem}`);
    }
    total += rawCases().length;
    expect(problems).toEqual([]);
  });

  it('sent at least 500 malformed requests', () => {
    expect(total).toBeGreaterThanOrEqual(500);
  });

  it('still answers valid requests correctly on the same process, with nothing polluted', async () => {
    const { client, upstream } = env();
    const completion = await client.chat.completions.create({
      model: SNAPSHOT,
      messages: [{ role: 'user', content: 'still there?' }],
      metadata: { trace: 'after-attack' },
    });
    spec.assertValid('CreateChatCompletionResponse', completion);
    expect(upstream.lastRequest().body).not.toHaveProperty('polluted');
    const file = await client.files.create({
      file: await toFile(Buffer.from('{"custom_id":"a"}\n'), 'input.jsonl'),
      purpose: 'batch',
    });
    expect(file).toMatchObject({ object: 'file', purpose: 'batch' });
    const expiring = await client.files.create({
      file: await toFile(Buffer.from('{"custom_id":"b"}\n'), 'input.jsonl'),
      purpose: 'batch',
      expires_after: { anchor: 'created_at', seconds: 3600 },
    });
    expect(expiring.expires_at).toBe(expiring.created_at + 3600);
  });

  it('does not grow its memory when the whole attack is repeated', async () => {
    const { gateway } = env();
    const everything = groups.flatMap(([, cases]) => cases());
    await attack(everything);
    const warm = gateway.rssBytes();
    for (let round = 0; round < 2; round++) expect(await attack(everything)).toEqual([]);
    const grown = gateway.rssBytes() - warm;
    expect(grown).toBeLessThan(64 * 1024 * 1024);
  });
});
