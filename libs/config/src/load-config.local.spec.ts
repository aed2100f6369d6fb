import path from 'node:path';
import { ConfigDirs } from './__fixtures__/config-dir';
import { ConfigError, loadConfig } from './load-config';
import { servedOffline } from './offline-models';

const dirs = new ConfigDirs();
afterEach(() => dirs.cleanup());

const YAML = `
providers:
  openai: { type: openai, baseUrl: "https://api.openai.com/v1", apiKey: "\${OPENAI_API_KEY:-}" }
  local: { type: local }
models:
  - id: tts-1
    provider: openai
    endpoints: [audio/speech]
    pricing: { inputCharacters: 15 }
    fallbacks: [{ provider: openai }]
    offline: { provider: local }
  - id: whisper-1
    provider: openai
    endpoints: [audio/transcriptions]
    offline: { provider: local, upstreamModel: pocketsphinx, pricing: { audioInputPerMinute: 0.001 } }
  - { id: gpt-audio, provider: openai }
`;

function load(env: Record<string, string> = {}, yaml = YAML) {
  return loadConfig({ configDir: dirs.create({ 'default.yaml': yaml }), env });
}

describe('type: local providers', () => {
  it('take every option with defaults', () => {
    expect(load().providers['local']).toEqual({
      type: 'local',
      poolSize: 1,
      timeoutMs: 30_000,
      voices: {},
      allowEngineVoices: true,
      libraries: {},
      pocketsphinxModelDir: '/usr/share/pocketsphinx/model/en-us',
      vad: { engine: 'silero' },
      maxSentenceChars: 400,
      breaker: { failureThreshold: 5, windowMs: 60_000, cooldownMs: 30_000 },
    });
  });

  it("take vad.engine silero or energy and Silero's threshold, refusing anything else", () => {
    const energy = YAML.replace(
      'local: { type: local }',
      'local: { type: local, vad: { engine: energy, threshold: 0.7 } }',
    );
    expect(load({}, energy).providers['local']).toMatchObject({ vad: { engine: 'energy', threshold: 0.7 } });
    for (const bad of ['{ engine: webrtc }', '{ threshold: 1.5 }']) {
      const yaml = YAML.replace('local: { type: local }', `local: { type: local, vad: ${bad} }`);
      expect(() => load({}, yaml)).toThrow(/providers\.local\.vad/);
    }
  });

  it('refuse unknown keys and bad values, naming them', () => {
    const yaml = YAML.replace('local: { type: local }', 'local: { type: local, poolSize: 0, apiKey: x }');
    expect(() => load({}, yaml)).toThrow(ConfigError);
    try {
      load({}, yaml);
    } catch (error) {
      expect((error as Error).message).toContain('providers.local.poolSize');
      expect((error as Error).message).toContain('apiKey');
    }
  });
});

describe('models[].offline', () => {
  it('serves a model from its offline provider while its provider has no key', () => {
    const config = load();
    const tts = config.models.find((model) => model.id === 'tts-1')!;
    expect(tts).toMatchObject({ provider: 'local', upstreamModel: 'tts-1', fallbacks: [] });
    expect(tts.pricing).toMatchObject({ inputCharacters: 0, textInput: 0, audioOutput: 0 });
    expect(servedOffline(tts)).toBe(true);
    const whisper = config.models.find((model) => model.id === 'whisper-1')!;
    expect(whisper).toMatchObject({ provider: 'local', upstreamModel: 'pocketsphinx' });
    expect(whisper.pricing?.audioInputPerMinute).toBe(1_000);
    // A model without `offline` stays where it is (and fails with 503 until a key is set).
    expect(config.models.find((model) => model.id === 'gpt-audio')).toMatchObject({ provider: 'openai' });
  });

  it('relays to the provider once it has a key', () => {
    const config = load({ OPENAI_API_KEY: 'sk-test-1' });
    const tts = config.models.find((model) => model.id === 'tts-1')!;
    expect(tts).toMatchObject({ provider: 'openai', fallbacks: [{ provider: 'openai' }] });
    expect(tts.pricing?.inputCharacters).toBe(15_000_000);
    expect(servedOffline(tts)).toBe(false);
  });

  it('must name a configured provider', () => {
    expect(() => load({}, YAML.replace('offline: { provider: local }', 'offline: { provider: nowhere }'))).toThrow(
      /models\.0\.offline\.provider.*unknown provider 'nowhere'/s,
    );
  });

  it('serves the five speech models of the default config locally when no key is set', () => {
    const config = loadConfig({ configDir: path.resolve(__dirname, '../../../config'), env: {} });
    const offline = config.models.filter(servedOffline).map((model) => model.id);
    expect(offline.sort()).toEqual(
      [
        'gpt-4o-mini-transcribe-2025-12-15',
        'gpt-4o-mini-tts-2025-12-15',
        'gpt-4o-transcribe',
        'tts-1',
        'whisper-1',
      ].sort(),
    );
    expect(config.providers['local']?.type).toBe('local');
    const keyed = loadConfig({
      configDir: path.resolve(__dirname, '../../../config'),
      env: { OPENAI_API_KEY: 'sk-x' },
    });
    expect(keyed.models.filter(servedOffline)).toEqual([]);
  });
});

describe('textModel (the local chat cascade)', () => {
  const withTextModels = (provider: string, model: string) =>
    YAML.replace('  local: { type: local }', `  local: { type: local, textModel: ${provider} }`).replace(
      '  - { id: gpt-audio, provider: openai }',
      `  - { id: local-chat, provider: local, textModel: ${model} }`,
    );

  it('takes an OpenAI-compatible endpoint or another provider, with defaults', () => {
    const config = load(
      {},
      withTextModels(
        '{ type: openai-compatible, baseURL: "http://127.0.0.1:11434/v1/", model: "llama3.2:1b" }',
        '{ type: provider, provider: openai, model: gpt-4.1-mini }',
      ),
    );
    const local = config.providers['local'];
    expect(local?.type === 'local' && local.textModel).toEqual({
      type: 'openai-compatible',
      baseURL: 'http://127.0.0.1:11434/v1',
      apiKey: '',
      model: 'llama3.2:1b',
      timeouts: { connectMs: 5_000, firstByteMs: 60_000, idleMs: 60_000, totalMs: 600_000 },
      maxRetries: 0,
    });
    expect(config.models.find((model) => model.id === 'local-chat')?.textModel).toEqual({
      type: 'provider',
      provider: 'openai',
      model: 'gpt-4.1-mini',
    });
  });

  it.each([
    ['an unknown type', '{ type: gguf, model: x }', /textModel/],
    ['a missing baseURL', '{ type: openai-compatible, model: x }', /baseURL/],
    ['an unknown provider', '{ type: provider, provider: nowhere, model: x }', /unknown provider 'nowhere'/],
    ['a local provider', '{ type: provider, provider: local, model: x }', /must be a type: openai provider/],
  ])('refuses %s at boot', (_case, textModel, message) => {
    const yaml = withTextModels('{ type: provider, provider: openai, model: m }', textModel);
    expect(() => load({}, yaml)).toThrow(message);
  });
});
