import { ConfigDirs } from './__fixtures__/config-dir';
import { ConfigError, loadConfig } from './load-config';
import type { GatewayConfig, OpenAIProviderConfig } from './config.schema';

/** The `type: openai` provider `id` of a loaded config (fails the test for another type). */
function openaiOf(config: GatewayConfig, id = 'openai'): OpenAIProviderConfig {
  const provider = config.providers[id];
  if (provider?.type !== 'openai') throw new Error(`provider ${id} is not type openai`);
  return provider;
}

const dirs = new ConfigDirs();
afterEach(() => dirs.cleanup());

/** The `openai` provider's timeouts once `providerYaml` (a flow mapping of its fields) was loaded. */
function timeoutsOf(providerYaml: string) {
  const yaml = `
providers:
  openai: { type: openai, baseUrl: "https://api.openai.com/v1", ${providerYaml} }
models:
  - { id: gpt-4o-audio-preview-2025-06-03, provider: openai }
`;
  return openaiOf(loadConfig({ configDir: dirs.create({ 'default.yaml': yaml }), env: {} })).timeouts;
}

function errorOf(providerYaml: string): ConfigError {
  try {
    timeoutsOf(providerYaml);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted the configuration');
}

describe('loadConfig: provider timeouts', () => {
  it('fills every timeout by default', () => {
    expect(timeoutsOf('apiKey: k')).toEqual({
      connectMs: 10_000,
      firstByteMs: 600_000,
      idleMs: 60_000,
      totalMs: 1_800_000,
    });
  });

  it('keeps the deprecated timeoutMs as the first-byte timeout', () => {
    expect(timeoutsOf('timeoutMs: 30000, timeouts: { idleMs: 5000 }')).toEqual({
      connectMs: 10_000,
      firstByteMs: 30_000,
      idleMs: 5_000,
      totalMs: 1_800_000,
    });
  });

  it('prefers timeouts.firstByteMs over the deprecated timeoutMs', () => {
    expect(timeoutsOf('timeoutMs: 30000, timeouts: { firstByteMs: 2000 }').firstByteMs).toBe(2_000);
  });

  it('names a timeout that is not a positive integer, and an unknown one', () => {
    const error = errorOf('timeouts: { idleMs: 0, readMs: 5 }');
    expect(error.message).toContain('providers.openai.timeouts.idleMs');
    expect(error.message).toContain('readMs');
  });
});
