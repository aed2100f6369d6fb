import path from 'node:path';
import { ConfigDirs, DEFAULT_YAML } from './__fixtures__/config-dir';
import { loadConfig } from './load-config';
import type { GatewayConfig, OpenAIProviderConfig } from './config.schema';

/** The `type: openai` provider `id` of a loaded config (fails the test for another type). */
function openaiOf(config: GatewayConfig, id = 'openai'): OpenAIProviderConfig {
  const provider = config.providers[id];
  if (provider?.type !== 'openai') throw new Error(`provider ${id} is not type openai`);
  return provider;
}

const REPO_CONFIG_DIR = path.resolve(__dirname, '../../../config');
const dirs = new ConfigDirs();
afterEach(() => dirs.cleanup());

describe('loadConfig: layers', () => {
  it('loads default.yaml and fills every default', () => {
    const config = loadConfig({ configDir: dirs.create({ 'default.yaml': DEFAULT_YAML }), env: {} });
    expect(config.server).toEqual({
      host: '127.0.0.1',
      port: 8080,
      workers: 1,
      bodyLimitBytes: 26_214_400,
      shutdownGraceMs: 10_000,
      sseKeepAliveMs: 10_000,
      docs: true,
      playground: true,
      sseMaxSilenceMs: 120_000,
      tcpUnsentBytes: 131_072,
      idleTrimMs: 10_000,
      cors: { origins: [], maxAgeSeconds: 600 },
    });
    expect(config.tools.loop).toEqual({ maxRounds: 8, maxWallMs: 60_000, maxTokens: 200_000 });
    expect(config.admin).toEqual({ key: '' });
    expect(config.providers['openai']).toEqual({
      type: 'openai',
      baseUrl: 'https://api.openai.com/v1',
      apiKey: '',
      keys: [],
      chatCompletionsPath: '/chat/completions',
      query: {},
      authHeader: 'bearer',
      headers: {},
      timeouts: { connectMs: 10_000, firstByteMs: 600_000, idleMs: 60_000, totalMs: 1_800_000 },
      breaker: { failureThreshold: 5, windowMs: 60_000, cooldownMs: 30_000 },
      maxRetries: 2,
      streamingAudioFormats: ['pcm16'],
      audioFormats: ['wav', 'aac', 'mp3', 'flac', 'opus', 'pcm16'],
      speechFormats: ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'],
      speechSpeed: true,
      transcriptionFormats: ['wav', 'mp3', 'flac', 'opus', 'ogg', 'webm'],
    });
    expect(config.models).toEqual([
      {
        id: 'gpt-4o-audio-preview-2025-06-03',
        aliases: ['gpt-4o-audio-preview'],
        provider: 'openai',
        created: 1748908498,
        ownedBy: 'system',
        endpoints: ['chat/completions'],
        realtime: 'bridge',
        contextTokens: 128_000,
        fallbacks: [],
      },
    ]);
  });

  it('leaves tracing off by default', () => {
    const config = loadConfig({ configDir: dirs.create({ 'default.yaml': DEFAULT_YAML }), env: {} });
    expect(config.telemetry).toEqual({
      exporter: 'none',
      otlpEndpoint: '',
      sampleRatio: 1,
      serviceName: 'voxgate-gateway',
    });
  });

  it('deep-merges the VOXGATE_CONFIG file over default.yaml, replacing lists', () => {
    const configDir = dirs.create({ 'default.yaml': DEFAULT_YAML });
    const override = path.join(
      dirs.create({
        'prod.yaml': `
server:
  port: 9000
providers:
  openai:
    timeouts: { firstByteMs: 30000, idleMs: 5000 }
  azure:
    type: openai
    baseUrl: https://my-resource.openai.azure.com/openai/
    chatCompletionsPath: /deployments/{model}/chat/completions
    query: { api-version: 2025-01-01-preview }
    authHeader: api-key
    apiKey: azure-secret
models:
  - id: gpt-4o-audio-preview-2025-06-03
    provider: azure
    upstreamModel: my-audio-deployment
`,
      }),
      'prod.yaml',
    );
    const config = loadConfig({ configDir, env: { VOXGATE_CONFIG: override } });
    expect(config.server.port).toBe(9000);
    expect(config.server.host).toBe('127.0.0.1');
    expect(openaiOf(config).timeouts).toEqual({
      connectMs: 10_000,
      firstByteMs: 30_000,
      idleMs: 5_000,
      totalMs: 1_800_000,
    });
    expect(openaiOf(config).baseUrl).toBe('https://api.openai.com/v1');
    expect(config.providers['azure']).toMatchObject({
      baseUrl: 'https://my-resource.openai.azure.com/openai',
      chatCompletionsPath: '/deployments/{model}/chat/completions',
      query: { 'api-version': '2025-01-01-preview' },
      authHeader: 'api-key',
      apiKey: 'azure-secret',
    });
    expect(config.models).toEqual([
      expect.objectContaining({ provider: 'azure', upstreamModel: 'my-audio-deployment', aliases: [] }),
    ]);
  });

  it('lets HOST, PORT, REDIS_URL, VOXGATE_REDIS_PREFIX and VOXGATE_ADMIN_KEY win over both files', () => {
    const configDir = dirs.create({ 'default.yaml': DEFAULT_YAML });
    const override = path.join(
      dirs.create({ 'o.yaml': 'server: { host: 10.0.0.1, port: 7000 }\nadmin: { key: from-file }\n' }),
      'o.yaml',
    );
    const config = loadConfig({
      configDir,
      env: {
        VOXGATE_CONFIG: override,
        HOST: '0.0.0.0',
        PORT: '3000',
        REDIS_URL: 'redis://cache:6380/2',
        VOXGATE_REDIS_PREFIX: 'vg-test:',
        VOXGATE_OUTBOX_FILE: '/var/lib/voxgate/outbox.jsonl',
        VOXGATE_ADMIN_KEY: 'admin-from-env',
      },
    });
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.server.port).toBe(3000);
    expect(config.redis).toEqual({
      mode: 'single',
      url: 'redis://cache:6380/2',
      nodes: [],
      sentinels: [],
      name: '',
      username: '',
      password: '',
      sentinelPassword: '',
      tls: false,
      keyPrefix: 'vg-test:',
      commandTimeoutMs: 1000,
      outbox: { maxEntries: 10_000, file: '/var/lib/voxgate/outbox.jsonl' },
    });
    expect(config.admin.key).toBe('admin-from-env');
  });

  it('takes server.workers as 1 by default, a count or auto, from the file or VOXGATE_WORKERS', () => {
    const configDir = dirs.create({ 'default.yaml': DEFAULT_YAML });
    const fromFile = (yaml: string) =>
      loadConfig({ configDir, env: { VOXGATE_CONFIG: path.join(dirs.create({ 'w.yaml': yaml }), 'w.yaml') } });
    expect(loadConfig({ configDir, env: {} }).server.workers).toBe(1);
    expect(fromFile('server: { workers: 4 }\n').server.workers).toBe(4);
    expect(fromFile('server: { workers: auto }\n').server.workers).toBe('auto');
    expect(loadConfig({ configDir, env: { VOXGATE_WORKERS: '3' } }).server.workers).toBe(3);
    expect(loadConfig({ configDir, env: { VOXGATE_WORKERS: 'auto' } }).server.workers).toBe('auto');
    for (const bad of ['0', '-1', '1.5', 'many'])
      expect(() => loadConfig({ configDir, env: { VOXGATE_WORKERS: bad } })).toThrow(/server\.workers/);
  });

  it('ignores environment overrides that are set but empty', () => {
    const configDir = dirs.create({ 'default.yaml': DEFAULT_YAML });
    const config = loadConfig({ configDir, env: { HOST: '', PORT: '', VOXGATE_ADMIN_KEY: '' } });
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.server.port).toBe(8080);
    expect(config.admin.key).toBe('');
  });

  it('returns a config where every model names a configured provider', () => {
    const config = loadConfig({ configDir: dirs.create({ 'default.yaml': DEFAULT_YAML }), env: {} });
    for (const model of config.models) expect(Object.keys(config.providers)).toContain(model.provider);
  });
});

describe('loadConfig: the real config/default.yaml', () => {
  it('loads with an empty environment', () => {
    const config = loadConfig({ configDir: REPO_CONFIG_DIR, env: {} });
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(config.providers['openai']).toMatchObject({ baseUrl: 'https://api.openai.com/v1', apiKey: '' });
    expect(config.models.map((model) => model.id)).toContain('gpt-4o-audio-preview-2025-06-03');
    expect(config.models.find((model) => model.id === 'gpt-4o-audio-preview-2025-06-03')?.aliases).toEqual([
      'gpt-4o-audio-preview',
    ]);
  });

  it('takes the OpenAI key from OPENAI_API_KEY', () => {
    const config = loadConfig({ configDir: REPO_CONFIG_DIR, env: { OPENAI_API_KEY: 'sk-test-123' } });
    expect(openaiOf(config).apiKey).toBe('sk-test-123');
  });
});
