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

/** default.yaml with one provider whose fields are given as raw YAML lines. */
function configWithProvider(providerLines: string): string {
  return `
providers:
  openai:
    type: openai
${providerLines
  .trim()
  .split('\n')
  .map((line) => `    ${line.trim()}`)
  .join('\n')}
models:
  - id: gpt-4o-audio-preview-2025-06-03
    provider: openai
`;
}

function load(providerLines: string, env: NodeJS.ProcessEnv = {}) {
  return loadConfig({ configDir: dirs.create({ 'default.yaml': configWithProvider(providerLines) }), env });
}

function loadError(providerLines: string, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    load(providerLines, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted the configuration');
}

describe('loadConfig: ${VAR} interpolation', () => {
  it('replaces ${VAR} with the environment value, also inside a longer string', () => {
    const config = load('baseUrl: https://${UPSTREAM_HOST}/v1\napiKey: ${OPENAI_API_KEY}', {
      UPSTREAM_HOST: 'llm.internal:8443',
      OPENAI_API_KEY: 'sk-live-abc',
    });
    expect(openaiOf(config).baseUrl).toBe('https://llm.internal:8443/v1');
    expect(openaiOf(config).apiKey).toBe('sk-live-abc');
  });

  it('uses the ${VAR:-fallback} fallback when the variable is unset or empty', () => {
    const lines = 'baseUrl: ${BASE:-https://api.openai.com/v1}\napiKey: ${KEY:-}';
    expect(load(lines).providers['openai']).toMatchObject({ baseUrl: 'https://api.openai.com/v1', apiKey: '' });
    expect(openaiOf(load(lines, { BASE: '' })).baseUrl).toBe('https://api.openai.com/v1');
    expect(openaiOf(load(lines, { BASE: 'http://localhost:4000' })).baseUrl).toBe('http://localhost:4000');
  });

  it('interpolates numbers and list items, which are then coerced and validated', () => {
    const config = load(
      'baseUrl: https://api.openai.com/v1\nmaxRetries: ${RETRIES:-5}\nstreamingAudioFormats: [pcm16, "${EXTRA_FORMAT}"]',
      {
        EXTRA_FORMAT: 'wav',
      },
    );
    expect(openaiOf(config).maxRetries).toBe(5);
    expect(openaiOf(config).streamingAudioFormats).toEqual(['pcm16', 'wav']);
  });

  it('writes a literal ${ for $${, without reading the environment', () => {
    const config = load(
      'baseUrl: https://api.openai.com/v1\nheaders: { x-template: "$${NOT_A_VAR}", x-mixed: "a$${B}c${C}" }',
      {
        NOT_A_VAR: 'should-not-appear',
        B: 'no',
        C: 'yes',
      },
    );
    expect(openaiOf(config).headers).toEqual({ 'x-template': '${NOT_A_VAR}', 'x-mixed': 'a${B}cyes' });
  });

  it('fails on an unset ${VAR}, naming the key path and the variable', () => {
    const error = loadError('baseUrl: https://api.openai.com/v1\napiKey: ${COMETAPI_KEY}');
    expect(error.message).toContain('providers.openai.apiKey');
    expect(error.message).toContain('COMETAPI_KEY');
  });

  it('names list positions in the key path of an unset variable', () => {
    const error = loadError('baseUrl: https://api.openai.com/v1\nstreamingAudioFormats: [pcm16, "${FORMAT}"]');
    expect(error.message).toContain('providers.openai.streamingAudioFormats.1');
  });

  it('does not expand a variable value a second time', () => {
    const config = load('baseUrl: https://api.openai.com/v1\napiKey: ${KEY}', { KEY: 'sk-${OTHER}', OTHER: 'x' });
    expect(openaiOf(config).apiKey).toBe('sk-${OTHER}');
  });
});
