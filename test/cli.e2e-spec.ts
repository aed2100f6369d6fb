import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { runProcess, runVoxgate } from './support/cli-process';
import { useRelayEnv } from './support/e2e-env';
import { awayFromMinuteBoundary } from './support/quota-window';
import { openaiClient, SNAPSHOT } from './support/relay-config';

/**
 * The admin CLI (`voxgate`, built into dist/) against the built gateway and real Redis: each command's
 * human output, its `--json` output, and failures (exit codes, the gateway's message, no admin key in
 * anything printed).
 */
describe('voxgate admin CLI', () => {
  const env = useRelayEnv();
  const cli = (args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) =>
    runVoxgate(
      args,
      { VOXGATE_URL: env().gateway.url, VOXGATE_ADMIN_KEY: env().gateway.adminKey, ...options.env },
      options,
    );
  /** Runs a command expecting success, and returns its stdout. */
  const ok = async (...args: string[]) => {
    const result = await cli(args);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    return result.stdout;
  };
  const json = async <T>(...args: string[]) => JSON.parse(await ok('--json', ...args)) as T;
  const newTenant = async (name: string) => (await json<{ id: string }>('tenants', 'create', name)).id;

  it('tenants: create prints the tenant; list and get show it; --json prints the gateway answer', async () => {
    const created = await ok('tenants', 'create', 'Acme Corp');
    const id = /^id: +(ten_\w+)$/m.exec(created)?.[1];
    expect(created).toMatch(/^name: +Acme Corp$/m);
    expect(created).toMatch(/^created: +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);

    const listed = await ok('tenants', 'list');
    expect(listed.split('\n')[0]).toMatch(/^ID +NAME +CREATED$/);
    expect(listed).toMatch(new RegExp(`^${id} +Acme Corp +\\d{4}-`, 'm'));

    expect(await json('tenants', 'get', String(id))).toEqual({
      object: 'tenant',
      id,
      name: 'Acme Corp',
      created_at: expect.any(Number),
      cors_origins: [],
    });
    const list = await json<{ object: string; data: { id: string }[] }>('tenants', 'list');
    expect(list.object).toBe('list');
    expect(list.data.map((tenant) => tenant.id)).toContain(id);
  });

  it('tenants origins sets the allowed browser origins; revoke-secret ends a client secret', async () => {
    const tenantId = await newTenant('browser tenant');
    const set = await ok(
      'tenants',
      'origins',
      tenantId,
      '--allow',
      'https://app.example.com',
      '--allow',
      'http://localhost:5173',
    );
    expect(set).toMatch(/^cors origins: +https:\/\/app\.example\.com http:\/\/localhost:5173$/m);
    expect((await json<{ cors_origins: string[] }>('tenants', 'get', tenantId)).cors_origins).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
    ]);
    const key = (await json<{ key: string }>('keys', 'create', tenantId, 'web')).key;
    // The gateway holds requests from a browser origin to the tenant's list.
    const fromOrigin = (origin: string) =>
      fetch(`${env().gateway.url}/v1/models`, { headers: { authorization: `Bearer ${key}`, origin } });
    expect((await fromOrigin('https://app.example.com')).status).toBe(200);
    expect((await fromOrigin('https://evil.example.com')).status).toBe(403);
    expect(await ok('tenants', 'origins', tenantId, '--none')).toMatch(/^cors origins: +\(none\)$/m);
    expect((await fromOrigin('https://app.example.com')).status).toBe(403);
    expect((await cli(['tenants', 'origins', tenantId])).code).toBe(2);

    const minted = await fetch(`${env().gateway.url}/v1/realtime/client_secrets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ session: { type: 'realtime', model: SNAPSHOT } }),
    });
    expect(minted.status).toBe(200);
    const secretId = minted.headers.get('x-client-secret-id') ?? '';
    const secret = ((await minted.json()) as { value: string }).value;
    const modelsWith = (bearer: string) =>
      openaiClient(env().gateway.url, bearer).chat.completions.create({
        model: SNAPSHOT,
        messages: [{ role: 'user', content: 'hi' }],
      });
    await expect(modelsWith(secret)).resolves.toMatchObject({ object: 'chat.completion' });
    expect(await ok('tenants', 'revoke-secret', tenantId, secretId)).toBe(`Revoked ${secretId}.\n`);
    await expect(modelsWith(secret)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const again = await cli(['tenants', 'revoke-secret', tenantId, secretId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/client_secret|not found/i);
  });

  it('keys: create shows the secret once and it works; list shows only the redacted value; revoke ends it', async () => {
    const tenantId = await newTenant('keys tenant');
    const created = await cli(['keys', 'create', tenantId, 'ios-app']);
    expect(created.code).toBe(0);
    expect(created.stderr).toBe('The key is shown this once only: store it now.\n');
    const secret = /^key: +(sk-vg-\S+)$/m.exec(created.stdout)?.[1] ?? '';
    const keyId = /^id: +(key_\w+)$/m.exec(created.stdout)?.[1] ?? '';
    expect(secret).not.toBe('');
    const models = await openaiClient(env().gateway.url, secret).models.list();
    expect(models.data.length).toBeGreaterThan(0);

    const billing = await json<{ key: string; name: string }>('keys', 'create', tenantId, 'erp', '--scope', 'billing');
    expect(billing).toMatchObject({ object: 'api_key', name: 'erp', key: expect.stringMatching(/^sk-vg-/) });

    const listed = await ok('keys', 'list', tenantId);
    expect(listed).toMatch(new RegExp(`^${keyId} +ios-app +sk-vg-\\.\\.\\.${secret.slice(-4)} +\\d{4}-`, 'm'));
    expect(listed).not.toContain(secret);
    expect(listed).not.toContain(billing.key);

    expect(await ok('keys', 'revoke', keyId)).toBe(`Revoked ${keyId}.\n`);
    await expect(openaiClient(env().gateway.url, secret).models.list()).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
  });

  it('quotas: set replaces the set, update keeps the other limits, get reads them, and the gateway enforces them', async () => {
    const tenantId = await newTenant('quota tenant');
    const set = await ok(
      'quotas',
      'set',
      '--tenant',
      tenantId,
      '--requests-per-minute',
      '1',
      '--tokens-per-day',
      '5000',
    );
    expect(set).toBe(
      [
        `tenant:                     ${tenantId}`,
        'requests_per_minute:        1',
        'tokens_per_minute:          unlimited',
        'tokens_per_day:             5000',
        'spend_per_month_usd_micros: unlimited',
        'concurrent_streams:         unlimited',
        'audio_seconds_per_day:      unlimited',
        '',
      ].join('\n'),
    );
    await ok('quotas', 'update', '--tenant', tenantId, '--concurrent-streams', '2', '--tokens-per-day', 'unlimited');
    expect(await json('quotas', 'get', '--tenant', tenantId)).toEqual({
      object: 'quota',
      tenant_id: tenantId,
      requests_per_minute: 1,
      tokens_per_minute: null,
      tokens_per_day: null,
      spend_per_month_usd_micros: null,
      concurrent_streams: 2,
      audio_seconds_per_day: null,
    });

    const { key } = await json<{ key: string; id: string }>('keys', 'create', tenantId, 'app');
    const client = openaiClient(env().gateway.url, key);
    const ask = () => client.chat.completions.create({ model: SNAPSHOT, messages: [{ role: 'user', content: 'Hi' }] });
    // requests_per_minute: 1 counts per fixed minute: both requests must fall in the same one.
    await awayFromMinuteBoundary(20_000);
    await ask();
    await expect(ask()).rejects.toBeInstanceOf(OpenAI.RateLimitError);

    const keyId = (await json<{ data: { id: string }[] }>('keys', 'list', tenantId)).data[0]?.id ?? '';
    await ok('quotas', 'set', '--key', keyId, '--audio-seconds-per-day', '60');
    expect(await json('quotas', 'get', '--key', keyId)).toMatchObject({ key_id: keyId, audio_seconds_per_day: 60 });
  }, 90_000); // it may wait up to 20 s for a fresh quota minute

  it('tools: register from a file and from stdin, enable per tenant, list, get, delete', async () => {
    const { tenantId } = env();
    const file = path.join(tmpdir(), `voxgate-cli-tool-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ name: 'cli_faq', implementation: { type: 'builtin', module: 'search' } }));
    const registered = await ok('tools', 'register', '--file', file);
    expect(registered).toMatch(/^name: +cli_faq$/m);
    expect(registered).toMatch(/^implementation: +builtin search\.search$/m);
    expect(registered).toMatch(/^effect: +read$/m);

    const booking = {
      name: 'cli_book',
      effect: 'side_effect',
      implementation: { type: 'builtin', module: 'booking', operation: 'book' },
    };
    const fromStdin = await cli(['--json', 'tools', 'register', '--file', '-'], { stdin: JSON.stringify(booking) });
    expect(fromStdin.code).toBe(0);
    expect(JSON.parse(fromStdin.stdout)).toMatchObject({ name: 'cli_book', effect: 'side_effect' });

    const all = await ok('tools', 'list');
    expect(all.split('\n')[0]).toMatch(/^NAME +IMPLEMENTATION +EFFECT +TIMEOUT +DESCRIPTION$/);
    expect(all).toMatch(/^cli_faq +builtin search\.search +read +\d+ ms +\S/m);
    expect(all).toMatch(/^cli_book +builtin booking\.book +side_effect /m);

    const enabled = await ok('tools', 'enable', 'cli_faq', '--tenant', tenantId);
    expect(enabled).toMatch(/^cli_faq /m);
    expect(enabled).not.toMatch(/^cli_book /m);
    const tenantTools = await json<{ data: { name: string }[] }>('tools', 'list', '--tenant', tenantId);
    expect(tenantTools.data.map((tool) => tool.name)).toEqual(['cli_faq']);
    expect(await json('tools', 'get', 'cli_book')).toMatchObject({
      name: 'cli_book',
      implementation: { type: 'builtin', module: 'booking', operation: 'book' },
    });

    expect(await ok('tools', 'disable', 'cli_faq', '--tenant', tenantId)).toBe(
      'NAME  IMPLEMENTATION  EFFECT  TIMEOUT  DESCRIPTION\n',
    );
    expect(await ok('tools', 'delete', 'cli_book')).toBe('Deleted tool cli_book.\n');
    expect(await json('tools', 'delete', 'cli_faq')).toEqual({ name: 'cli_faq', deleted: true });
    expect((await json<{ data: unknown[] }>('tools', 'list')).data).toEqual([]);
  });

  it('usage: show and events report a completion made with a tenant key', async () => {
    const { client, tenantId } = env();
    await client.chat.completions.create({ model: SNAPSHOT, messages: [{ role: 'user', content: 'Count me' }] });

    type Page = { data: { results: { tenant_id: string; model: string; num_model_requests: number }[] }[] };
    const requests = async () => {
      const page = await json<Page>(
        'usage',
        'show',
        '--tenant',
        tenantId,
        '--group-by',
        'tenant_id,model',
        '--start',
        '1h',
      );
      return page.data.flatMap((bucket) => bucket.results).filter((result) => result.model === SNAPSHOT);
    };
    for (let attempt = 0; attempt < 50 && (await requests()).length === 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await requests()).toEqual([expect.objectContaining({ tenant_id: tenantId, num_model_requests: 1 })]);

    const table = await ok(
      'usage',
      'show',
      '--tenant',
      tenantId,
      '--group-by',
      'model',
      '--bucket',
      '1h',
      '--start',
      '1h',
    );
    expect(table.split('\n')[0]).toMatch(
      /^START +MODEL +REQUESTS +INPUT TOKENS +OUTPUT TOKENS +AUDIO IN S +AUDIO OUT S +TOOL CALLS +COST USD$/,
    );
    expect(table).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:00:00Z +${SNAPSHOT} +1 +\\d+ +\\d+ `, 'm'));

    const events = (await ok('usage', 'events', '--tenant', tenantId, '--start', '1h'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { tenant_id: string; model: string });
    expect(events).toEqual([expect.objectContaining({ tenant_id: tenantId, model: SNAPSHOT })]);
    const csv = await ok('usage', 'events', '--tenant', tenantId, '--start', '1h', '--format', 'csv');
    expect(csv.trim().split('\n')).toHaveLength(2);
  });

  describe('failures', () => {
    it("print the gateway's error message on stderr, nothing on stdout, and exit 1", async () => {
      for (const json of [[], ['--json']]) {
        expect(await cli([...json, 'tenants', 'get', 'ten_nope'])).toEqual({
          code: 1,
          stdout: '',
          stderr: "voxgate: No tenant found with id 'ten_nope'. (HTTP 404 tenant_not_found)\n",
        });
      }
      const badScope = await cli(['keys', 'create', env().tenantId, 'x', '--scope', 'admin']);
      expect(badScope).toMatchObject({ code: 1, stdout: '' });
      expect(badScope.stderr).toMatch(/^voxgate: Invalid value for 'scope'.*\(HTTP 400 invalid_value\)\n$/);
    });

    it('never print the admin key: a wrong one is refused without echo, an echoed one is redacted', async () => {
      const wrongKey = 'adm-wrong-0123456789abcdef';
      const refused = await cli(['tenants', 'list', '--admin-key', wrongKey]);
      expect(refused).toEqual({
        code: 1,
        stdout: '',
        stderr: 'voxgate: Incorrect admin key provided. (HTTP 401 invalid_api_key)\n',
      });

      const { adminKey } = env().gateway;
      const echoed = await cli(['tenants', 'get', adminKey]);
      expect(echoed.code).toBe(1);
      // The gateway itself redacts its admin key from error messages, before the CLI's own redaction.
      expect(echoed.stderr).toBe("voxgate: No tenant found with id '[redacted]'. (HTTP 404 tenant_not_found)\n");
      const unexpected = await cli(['tenants', 'list', adminKey]);
      expect(unexpected).toEqual({
        code: 2,
        stdout: '',
        stderr: "voxgate: unexpected argument '***'\nSee `voxgate tenants list --help`.\n",
      });
    });

    it('exit 2 on bad usage before sending anything, pointing at the help to read', async () => {
      const nowhere = { VOXGATE_URL: 'http://127.0.0.1:9' }; // a request would fail with exit 1
      expect(await cli(['keys', 'create', 'ten_1'], { env: nowhere })).toEqual({
        code: 2,
        stdout: '',
        stderr: 'voxgate: missing <name>\nSee `voxgate keys create --help`.\n',
      });
      const unknownOption = await cli(['tenants', 'create', 'x', '--nme', 'y'], { env: nowhere });
      expect(unknownOption).toMatchObject({ code: 2, stdout: '' });
      expect(unknownOption.stderr).toContain("Unknown option '--nme'");
      expect(await cli(['quotas', 'get'], { env: nowhere })).toMatchObject({
        code: 2,
        stderr: 'voxgate: give exactly one of --tenant and --key\nSee `voxgate quotas get --help`.\n',
      });
      expect(await cli(['tenant', 'list'], { env: nowhere })).toMatchObject({
        code: 2,
        stderr:
          "voxgate: unknown command group 'tenant' (one of: tenants, keys, quotas, tools, usage)\nSee `voxgate --help`.\n",
      });
      expect(await cli(['tenants', 'list'], { env: { VOXGATE_ADMIN_KEY: '' } })).toMatchObject({
        code: 2,
        stderr: 'voxgate: no admin key: set VOXGATE_ADMIN_KEY (or pass --admin-key)\nSee `voxgate --help`.\n',
      });
    });

    it('exit 1 naming the gateway when it cannot be reached', async () => {
      const port = await closedPort();
      expect(await cli(['tenants', 'list', '--url', `http://127.0.0.1:${port}`])).toEqual({
        code: 1,
        stdout: '',
        stderr: `voxgate: Could not reach the gateway at http://127.0.0.1:${port}: ECONNREFUSED.\n`,
      });
    });
  });

  describe('help', () => {
    it('--help at every level goes to stdout with exit 0, and lists what the parser accepts', async () => {
      const top = await ok('--help');
      expect(top).toMatch(/^Usage: voxgate <group> <command>/);
      for (const group of ['tenants', 'keys', 'quotas', 'tools', 'usage'])
        expect(top).toMatch(new RegExp(`^  ${group} `, 'm'));
      expect(await ok('tools', '--help')).toMatch(/^ {2}enable <name> +offer a tool/m);
      const command = await ok('quotas', 'set', '-h');
      expect(command).toMatch(/^Usage: voxgate quotas set \[options\]$/m);
      expect(command).toMatch(/^ {2}--requests-per-minute <n\|unlimited> /m);
    });

    it('a command line without a command prints the help on stderr and exits 2', async () => {
      expect(await cli([])).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/^Usage: voxgate/) });
      expect(await cli(['keys'])).toMatchObject({
        code: 2,
        stdout: '',
        stderr: expect.stringMatching(/^Usage: voxgate keys/),
      });
    });

    it('`npx voxgate` from the repository root runs the built CLI (the documented command)', async () => {
      const gateway = env().gateway;
      const result = await runProcess('npx', ['voxgate', 'tenants', 'get', env().tenantId], {
        env: { VOXGATE_URL: gateway.url, VOXGATE_ADMIN_KEY: gateway.adminKey },
        timeoutMs: 60_000,
      });
      expect(result).toMatchObject({
        code: 0,
        stdout: expect.stringMatching(new RegExp(`^id: +${env().tenantId}$`, 'm')),
      });
    }, 90_000);
  });
});

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}
