import { GatewayError } from '@voxgate/openai-wire';
import { useTestRedis } from '@voxgate/testing';
import { testSettings } from '../__fixtures__/tool-fixtures';
import { createToolsRuntime, type ToolsRuntime } from '../tools-runtime';

const httpTool = (overrides: Record<string, unknown> = {}) => ({
  name: 'crm_lookup',
  description: 'Finds a customer in the CRM.',
  parameters: { type: 'object', properties: { email: { type: 'string' } }, required: ['email'] },
  effect: 'read',
  implementation: {
    type: 'http',
    url: 'http://127.0.0.1:8999/lookup',
    method: 'POST',
    headers: { authorization: 'Bearer crm-SECRET-1', 'x-tenant-key': 'tk-SECRET-2' },
  },
  ...overrides,
});

async function gatewayError(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('tool registry (real Redis)', () => {
  const redis = useTestRedis();
  let runtime: ToolsRuntime;
  beforeEach(() => {
    runtime = createToolsRuntime({ redis: redis().redis, settings: testSettings() });
  });
  afterEach(() => runtime.close());

  describe('validation', () => {
    it('registers a tool and applies the defaults', async () => {
      const view = await runtime.tools.register.execute(httpTool({ effect: undefined }));
      expect(view).toMatchObject({
        name: 'crm_lookup',
        effect: 'side_effect',
        timeout_ms: 5_000,
        parameters: { type: 'object' },
      });
    });

    it('answers 409 to a duplicate name', async () => {
      await runtime.tools.register.execute(httpTool());
      const error = await gatewayError(runtime.tools.register.execute(httpTool({ description: 'Another.' })));
      expect(error).toMatchObject({ status: 409, code: 'tool_name_taken', param: 'name' });
    });

    it('lets exactly one of two concurrent registrations of a name win', async () => {
      const results = await Promise.allSettled([
        runtime.tools.register.execute(httpTool()),
        runtime.tools.register.execute(httpTool()),
      ]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    });

    it('answers 400 to a schema that is not valid JSON Schema', async () => {
      const error = await gatewayError(
        runtime.tools.register.execute(
          httpTool({ parameters: { type: 'object', properties: { a: { type: 'strng' } } } }),
        ),
      );
      expect(error).toMatchObject({ status: 400, code: 'invalid_tool_schema', param: 'parameters' });
      expect(error.message).toMatch(/not a valid JSON Schema/);
    });

    it('answers 400 to a schema that is not of type object', async () => {
      const error = await gatewayError(runtime.tools.register.execute(httpTool({ parameters: { type: 'string' } })));
      expect(error).toMatchObject({ status: 400, code: 'invalid_tool_schema' });
      expect(error.message).toMatch(/type "object"/);
    });

    it('answers 400 to a schema with an unresolvable $ref', async () => {
      const parameters = { type: 'object', properties: { a: { $ref: '#/$defs/missing' } } };
      expect(await gatewayError(runtime.tools.register.execute(httpTool({ parameters })))).toMatchObject({
        code: 'invalid_tool_schema',
      });
    });

    it.each([
      [{ name: 'bad name' }, 'name'],
      [{ name: 'a__b' }, 'name'],
      [{ name: 'x'.repeat(65) }, 'name'],
      [{ effect: 'dangerous' }, 'effect'],
      [{ implementation: { type: 'http', url: 'ftp://x.example/' } }, 'implementation.url'],
      [
        { implementation: { type: 'http', url: 'https://x.example/', headers: { host: 'evil' } } },
        'implementation.headers.host',
      ],
      [{ description: undefined }, 'description'],
      [{ extra: true }, 'extra'],
    ])('answers 400 to %j', async (overrides, param) => {
      const error = await gatewayError(runtime.tools.register.execute(httpTool(overrides)));
      expect(error.status).toBe(400);
      expect(error.param).toBe(param);
    });

    it('bounds the timeout by tools.maxTimeoutMs', async () => {
      expect(await gatewayError(runtime.tools.register.execute(httpTool({ timeout_ms: 60_001 })))).toMatchObject({
        status: 400,
        param: 'timeout_ms',
      });
    });

    it('refuses a private URL that is not allow-listed, with a clear 400', async () => {
      const strict = createToolsRuntime({ redis: redis().redis, settings: testSettings({ ssrfAllowList: [] }) });
      const error = await gatewayError(
        strict.tools.register.execute(
          httpTool({ implementation: { type: 'http', url: 'http://169.254.169.254/latest/meta-data/', headers: {} } }),
        ),
      );
      await strict.close();
      expect(error).toMatchObject({ status: 400, code: 'tool_url_not_allowed', param: 'implementation.url' });
      expect(error.message).toMatch(/link-local/);
    });

    it('refuses to weaken the effect of a built-in operation, but allows making it stricter', async () => {
      const charge = { name: 'pay', implementation: { type: 'builtin', module: 'payment', operation: 'charge' } };
      expect(await gatewayError(runtime.tools.register.execute({ ...charge, effect: 'read' }))).toMatchObject({
        status: 400,
        param: 'effect',
      });
      const search = await runtime.tools.register.execute({
        name: 'kb',
        effect: 'idempotent',
        implementation: { type: 'builtin', module: 'search' },
      });
      expect(search).toMatchObject({
        effect: 'idempotent',
        implementation: { type: 'builtin', module: 'search', operation: 'search' },
        parameters: { type: 'object', required: ['query'] },
      });
    });
  });

  describe('secret headers', () => {
    const secrets = /SECRET/;

    it('never appear in register, get, list, update or tenant views, but are stored and kept', async () => {
      const views: unknown[] = [];
      views.push(await runtime.tools.register.execute(httpTool()));
      views.push(await runtime.tools.get.execute('crm_lookup'));
      views.push(await runtime.tools.list.execute());
      views.push(await runtime.tools.enableForTenant.execute('ten_a', 'crm_lookup'));
      views.push(await runtime.tools.listForTenant.execute('ten_a'));
      const read = (await runtime.tools.get.execute('crm_lookup')) as {
        implementation: { headers: Record<string, string> };
      };
      expect(read.implementation.headers).toEqual({ authorization: '***', 'x-tenant-key': '***' });

      // Ops send back what they read, changing one header: the other secret is kept.
      views.push(
        await runtime.tools.update.execute('crm_lookup', {
          ...httpTool({ description: 'Updated.' }),
          implementation: {
            type: 'http',
            url: 'http://127.0.0.1:8999/lookup',
            headers: { authorization: '***', 'x-tenant-key': 'tk-SECRET-3' },
          },
        }),
      );
      for (const view of views) expect(JSON.stringify(view)).not.toMatch(secrets);

      const stored = await runtime.repositories.registry.get('crm_lookup');
      expect(stored?.implementation).toMatchObject({
        headers: { authorization: 'Bearer crm-SECRET-1', 'x-tenant-key': 'tk-SECRET-3' },
      });
      expect(stored?.description).toBe('Updated.');
    });

    it('refuses *** for a header that has no stored value', async () => {
      await runtime.tools.register.execute(httpTool());
      const error = await gatewayError(
        runtime.tools.update.execute('crm_lookup', {
          ...httpTool(),
          implementation: { type: 'http', url: 'http://127.0.0.1:8999/x', headers: { 'x-new': '***' } },
        }),
      );
      expect(error).toMatchObject({ status: 400, param: 'implementation.headers' });
    });
  });

  describe('update and removal', () => {
    it('404s on unknown tools and refuses renaming through the body', async () => {
      expect(await gatewayError(runtime.tools.update.execute('nope', httpTool()))).toMatchObject({
        status: 404,
        code: 'tool_not_found',
      });
      expect(await gatewayError(runtime.tools.remove.execute('nope'))).toMatchObject({ status: 404 });
      await runtime.tools.register.execute(httpTool());
      expect(await gatewayError(runtime.tools.update.execute('crm_lookup', httpTool({ name: 'other' })))).toMatchObject(
        {
          status: 400,
          param: 'name',
        },
      );
    });

    it('removes a tool and every enablement; a later tool of the same name is not enabled by the old one', async () => {
      await runtime.tools.register.execute(httpTool());
      await runtime.tools.enableForTenant.execute('ten_a', 'crm_lookup');
      expect(await runtime.tools.remove.execute('crm_lookup')).toEqual({ name: 'crm_lookup', deleted: true });
      expect(await runtime.tools.listForTenant.execute('ten_a')).toEqual([]);
      await runtime.tools.register.execute(httpTool());
      expect(await runtime.tools.listForTenant.execute('ten_a')).toEqual([]);
      expect((await runtime.resolveTenantTools.execute('ten_a')).size).toBe(0);
    });

    it('ignores a stale enablement left behind (generation mismatch)', async () => {
      await runtime.tools.register.execute(httpTool());
      await runtime.repositories.registry.enable('ten_a', { name: 'crm_lookup', generation: 'an-old-one' });
      expect(await runtime.tools.listForTenant.execute('ten_a')).toEqual([]);
    });
  });
});
