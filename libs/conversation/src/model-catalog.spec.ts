import { GatewayError } from '@voxgate/openai-wire';
import { ALIAS, modelConfig, SNAPSHOT } from './__fixtures__/models.factory';
import { ModelCatalog } from './model-catalog';

const catalog = new ModelCatalog([
  modelConfig({
    upstreamModel: 'audio-deployment-eu',
    fallbacks: [{ provider: 'azure' }, { provider: 'cometapi', upstreamModel: 'gpt-4o-audio-preview' }],
  }),
  modelConfig({ id: 'gpt-4o-audio-preview-2024-12-17', aliases: [], created: 1734115920 }),
  modelConfig({
    id: 'gpt-4o-mini-audio-preview-2024-12-17',
    aliases: ['gpt-4o-mini-audio-preview', 'mini-audio'],
    provider: 'cometapi',
    created: 1734115920,
    ownedBy: 'voxgate',
  }),
]);

function notFound(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('ModelCatalog.resolve', () => {
  it('resolves an alias to its dated snapshot, provider and upstream name', () => {
    expect(catalog.resolve(ALIAS)).toEqual({
      snapshot: SNAPSHOT,
      provider: 'openai',
      upstreamModel: 'audio-deployment-eu',
      routes: [
        { provider: 'openai', upstreamModel: 'audio-deployment-eu' },
        { provider: 'azure', upstreamModel: 'audio-deployment-eu' },
        { provider: 'cometapi', upstreamModel: 'gpt-4o-audio-preview' },
      ],
      endpoints: ['chat/completions'],
    });
  });

  it('resolves the snapshot id itself the same way', () => {
    expect(catalog.resolve(SNAPSHOT)).toEqual(catalog.resolve(ALIAS));
  });

  it('sends the snapshot id upstream when no upstreamModel is configured', () => {
    expect(catalog.resolve('mini-audio')).toEqual({
      snapshot: 'gpt-4o-mini-audio-preview-2024-12-17',
      provider: 'cometapi',
      upstreamModel: 'gpt-4o-mini-audio-preview-2024-12-17',
      routes: [{ provider: 'cometapi', upstreamModel: 'gpt-4o-mini-audio-preview-2024-12-17' }],
      endpoints: ['chat/completions'],
    });
  });

  it.each(['gpt-4o', 'GPT-4O-AUDIO-PREVIEW', ''])('answers OpenAI’s 404 model_not_found for %j', (name) => {
    const error = notFound(() => catalog.resolve(name));
    expect(error.status).toBe(404);
    expect(error.toOpenAIError()).toEqual({
      message: `The model \`${name}\` does not exist or you do not have access to it.`,
      type: 'invalid_request_error',
      param: 'model',
      code: 'model_not_found',
    });
  });
});

describe('ModelCatalog.list / get', () => {
  it('lists snapshots and aliases as separate, independent entries', () => {
    expect(catalog.list()).toEqual([
      { id: SNAPSHOT, object: 'model', created: 1748908498, owned_by: 'system' },
      { id: ALIAS, object: 'model', created: 1748908498, owned_by: 'system' },
      { id: 'gpt-4o-audio-preview-2024-12-17', object: 'model', created: 1734115920, owned_by: 'system' },
      { id: 'gpt-4o-mini-audio-preview-2024-12-17', object: 'model', created: 1734115920, owned_by: 'voxgate' },
      { id: 'gpt-4o-mini-audio-preview', object: 'model', created: 1734115920, owned_by: 'voxgate' },
      { id: 'mini-audio', object: 'model', created: 1734115920, owned_by: 'voxgate' },
    ]);
  });

  it('gets an alias as its own entry, not as the snapshot', () => {
    expect(catalog.get(ALIAS)).toEqual({ id: ALIAS, object: 'model', created: 1748908498, owned_by: 'system' });
  });

  it('answers 404 model_not_found from get for an unknown id', () => {
    expect(notFound(() => catalog.get('whisper-1'))).toMatchObject({
      status: 404,
      code: 'model_not_found',
      param: 'model',
    });
  });

  it('is empty without models', () => {
    const empty = new ModelCatalog([]);
    expect(empty.list()).toEqual([]);
    expect(notFound(() => empty.resolve(SNAPSHOT)).status).toBe(404);
  });
});

describe('ModelCatalog.resolve per route', () => {
  const voice = new ModelCatalog([
    modelConfig(),
    modelConfig({ id: 'tts-1', aliases: [], endpoints: ['audio/speech'] }),
    modelConfig({ id: 'whisper-1', aliases: [], endpoints: ['audio/transcriptions', 'audio/translations'] }),
  ]);

  it('lists only the models serving a route when asked (the playground offers chat models only)', () => {
    expect(voice.list('chat/completions').map((model) => model.id)).toEqual([SNAPSHOT, ALIAS]);
    expect(voice.list('audio/translations').map((model) => model.id)).toEqual(['whisper-1']);
    expect(voice.list().length).toBe(4);
  });

  it('resolves a model on a route it serves', () => {
    expect(voice.resolve('tts-1', 'audio/speech').snapshot).toBe('tts-1');
    expect(voice.resolve('whisper-1', 'audio/translations').snapshot).toBe('whisper-1');
  });

  it('refuses a TTS model on chat completions (the default route) with a 400 naming what it serves', () => {
    const error = notFound(() => voice.resolve('tts-1'));
    expect(error.status).toBe(400);
    expect(error.toOpenAIError()).toEqual({
      message: "The model 'tts-1' cannot be used with POST /v1/chat/completions; it serves POST /v1/audio/speech.",
      type: 'invalid_request_error',
      param: 'model',
      code: 'model_not_supported',
    });
  });

  it('refuses a chat model on the speech route', () => {
    expect(notFound(() => voice.resolve(ALIAS, 'audio/speech')).code).toBe('model_not_supported');
  });
});
