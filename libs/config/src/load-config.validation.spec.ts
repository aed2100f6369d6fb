import path from 'node:path';
import { ConfigDirs, DEFAULT_YAML } from './__fixtures__/config-dir';
import { ConfigError, loadConfig } from './load-config';

const SECRET = 'sk-proj-DO-NOT-LEAK-4f9a1c';
const dirs = new ConfigDirs();
afterEach(() => dirs.cleanup());

/** Loads DEFAULT_YAML with `override` as the VOXGATE_CONFIG file and returns the ConfigError it throws. */
function overrideError(override: string, env: NodeJS.ProcessEnv = {}): ConfigError {
  const configDir = dirs.create({ 'default.yaml': DEFAULT_YAML });
  const file = path.join(dirs.create({ 'override.yaml': override }), 'override.yaml');
  try {
    loadConfig({ configDir, env: { ...env, VOXGATE_CONFIG: file } });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted the configuration');
}

describe('loadConfig: invalid configuration', () => {
  it('names providers.openai.baseUrl when it is not a URL', () => {
    const error = overrideError('providers: { openai: { baseUrl: not-a-url } }');
    expect(error.name).toBe('ConfigError');
    expect(error.message).toMatch(/^Invalid configuration:\n/);
    expect(error.message).toContain('providers.openai.baseUrl');
  });

  it('rejects a non-http(s) baseUrl', () => {
    expect(overrideError('providers: { openai: { baseUrl: "ftp://files.example.com/v1" } }').message).toContain(
      'providers.openai.baseUrl',
    );
  });

  it('names the model whose provider is not configured, and the configured ones', () => {
    const error = overrideError('models: [{ id: my-model, provider: cometapi }]');
    expect(error.message).toContain('models.0.provider');
    expect(error.message).toContain("'cometapi'");
    expect(error.message).toContain('openai');
  });

  it('names the fallback whose provider is not configured', () => {
    const error = overrideError('models: [{ id: my-model, provider: openai, fallbacks: [{ provider: azure }] }]');
    expect(error.message).toContain('models.0.fallbacks.0.provider');
    expect(error.message).toContain("'azure'");
  });

  it('names a provider key without a secret', () => {
    expect(overrideError('providers: { openai: { keys: [{ weight: 2 }] } }').message).toContain(
      'providers.openai.keys.0.apiKey',
    );
  });

  it('names the model that reuses a name another model already has', () => {
    const error = overrideError(`
models:
  - { id: gpt-4o-audio-preview-2025-06-03, aliases: [gpt-4o-audio-preview], provider: openai }
  - { id: gpt-4o-audio-preview-2024-12-17, aliases: [gpt-4o-audio-preview], provider: openai }
`);
    expect(error.message).toContain('models.1');
    expect(error.message).toContain("'gpt-4o-audio-preview'");
  });

  it('lists every bad key, one per line', () => {
    const error = overrideError(`
server: { port: 70000 }
providers: { openai: { authHeader: basic } }
models: [{ id: m, provider: nowhere }]
`);
    const lines = error.message.split('\n').slice(1);
    expect(lines).toHaveLength(3);
    expect(error.message).toContain('server.port');
    expect(error.message).toContain('providers.openai.authHeader');
    expect(error.message).toContain('models.0.provider');
  });

  it('names server.docs when it is not a boolean', () => {
    expect(overrideError('server: { docs: "no" }').message).toContain('server.docs');
  });

  it('rejects unknown keys, naming where they are', () => {
    const error = overrideError('providers: { openai: { api_key: x } }');
    expect(error.message).toContain('providers.openai');
    expect(error.message).toContain('api_key');
  });

  it('names telemetry.exporter and telemetry.sampleRatio when they are out of range', () => {
    const error = overrideError('telemetry: { exporter: jaeger, sampleRatio: 1.5 }');
    expect(error.message).toContain('telemetry.exporter');
    expect(error.message).toContain('telemetry.sampleRatio');
  });

  it('rejects an upper-case provider id', () => {
    expect(overrideError('providers: { OpenAI: { type: openai, baseUrl: "https://x.example/v1" } }').message).toContain(
      'providers.OpenAI',
    );
  });

  it('reports an unreadable VOXGATE_CONFIG file by path', () => {
    const configDir = dirs.create({ 'default.yaml': DEFAULT_YAML });
    const missing = path.join(configDir, 'missing.yaml');
    expect(() => loadConfig({ configDir, env: { VOXGATE_CONFIG: missing } })).toThrow(
      new ConfigError(`Cannot read config file ${missing}: ENOENT`),
    );
  });
});

describe('loadConfig: secrets never appear in errors', () => {
  it('does not echo an apiKey that has the wrong type', () => {
    const error = overrideError(`providers: { openai: { apiKey: [${SECRET}] } }`);
    expect(error.message).toContain('providers.openai.apiKey');
    expect(error.message).not.toContain(SECRET);
  });

  it('does not echo secrets from the environment when another key is invalid', () => {
    const error = overrideError('providers: { openai: { apiKey: "${OPENAI_API_KEY}", timeoutMs: -5 } }', {
      OPENAI_API_KEY: SECRET,
      VOXGATE_ADMIN_KEY: `${SECRET}-admin`,
    });
    expect(error.message).toContain('providers.openai.timeoutMs');
    expect(error.message).not.toContain(SECRET);
  });

  it('does not echo a secret in a header value that has the wrong type', () => {
    const error = overrideError(`providers: { openai: { headers: { OpenAI-Organization: { nested: ${SECRET} } } } }`);
    expect(error.message).toContain('providers.openai.headers');
    expect(error.message).not.toContain(SECRET);
  });

  it('does not echo a secret next to a YAML syntax error (a mis-indented line after the apiKey)', () => {
    const error = overrideError(`providers:\n  openai:\n    apiKey: ${SECRET}\n   timeoutMs: 1000\n`);
    expect(error.message).toContain('not valid YAML');
    expect(error.message).not.toContain(SECRET);
  });
});
