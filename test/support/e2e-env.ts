import { FakeUpstream, OpenApiValidator } from '@voxgate/testing';
import type OpenAI from 'openai';
import { GatewayProcess } from './gateway-process';
import { openaiClient, relayConfig, UPSTREAM_KEY } from './relay-config';

/** One validator per test file: loading the 3 MB spec is the slow part. */
export const validator = new OpenApiValidator();

/**
 * What the gateway writes must validate against the spec *and* carry no key the spec does not declare
 * (the spec itself allows extra keys everywhere, so leaks would otherwise pass).
 */
export const spec = {
  assertValid: (schema: string, value: unknown) => validator.assertValid(schema, value, { rejectUndeclaredKeys: true }),
  assertValidStreamChunk: (chunk: unknown, audioFormat = 'pcm16') =>
    validator.assertValidStreamChunk(chunk, { rejectUndeclaredKeys: true, audioFormat }),
};

/**
 * A fake upstream, the built gateway relaying to it, a tenant key and an SDK client, for one test file.
 * `afterEach` checks the upstream never saw a request that violates the OpenAPI spec.
 */
export interface RelayEnv {
  upstream: FakeUpstream;
  gateway: GatewayProcess;
  client: OpenAI;
  key: string;
  tenantId: string;
}

export function useRelayEnv(
  provider: Record<string, unknown> = {},
  /** Top-level config sections merged over the relay config (e.g. `{ tools: {…} }`). */
  config: Record<string, unknown> = {},
): () => RelayEnv {
  let env: RelayEnv | undefined;
  beforeAll(async () => {
    const upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    const gateway = await GatewayProcess.start({ config: { ...relayConfig(upstream.baseUrl, provider), ...config } });
    const { key, tenantId } = await gateway.createTenantKey();
    env = { upstream, gateway, client: openaiClient(gateway.url, key), key, tenantId };
  });
  afterEach(() => {
    env?.upstream.assertNoViolations();
  });
  afterAll(async () => {
    await env?.gateway.stop();
    await env?.upstream.stop();
  });
  return () => {
    if (!env) throw new Error('relay environment not started');
    return env;
  };
}
