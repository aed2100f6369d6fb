import { FakeUpstream, readSpeechClip } from '@voxgate/testing';
import OpenAI, { toFile } from 'openai';
import { validator } from './support/e2e-env';
import { GatewayProcess } from './support/gateway-process';
import { openaiClient, UPSTREAM_KEY } from './support/relay-config';

const overloaded = {
  kind: 'json' as const,
  status: 503,
  body: { error: { message: 'Overloaded', type: 'server_error', param: null, code: null } },
};

/** The audio routes go through the same provider router as chat: fallbacks, breakers, per-fallback prices. */
describe('audio routes over a model’s fallbacks', () => {
  let primary: FakeUpstream;
  let backup: FakeUpstream;
  let gateway: GatewayProcess;
  let client: OpenAI;
  let tenantId: string;

  beforeAll(async () => {
    primary = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    backup = await FakeUpstream.start({ apiKey: 'sk-backup-key-0000', validator });
    const provider = (url: string, apiKey: string) => ({ type: 'openai', baseUrl: url, apiKey, maxRetries: 0 });
    gateway = await GatewayProcess.start({
      config: {
        providers: {
          primary: provider(primary.baseUrl, UPSTREAM_KEY),
          backup: { ...provider(backup.baseUrl, 'sk-backup-key-0000'), speechFormats: ['pcm'] },
        },
        models: [
          {
            id: 'gpt-4o-mini-tts',
            provider: 'primary',
            endpoints: ['audio/speech'],
            pricing: { textInput: '0.60', audioOutput: '12.00' },
            fallbacks: [{ provider: 'backup', pricing: { textInput: '1.00', audioOutput: '20.00' } }],
          },
          {
            id: 'whisper-1',
            provider: 'primary',
            endpoints: ['audio/transcriptions'],
            fallbacks: [{ provider: 'backup' }],
          },
        ],
      },
    });
    const created = await gateway.createTenantKey();
    tenantId = created.tenantId;
    client = openaiClient(gateway.url, created.key);
  });
  afterEach(() => {
    primary.assertNoViolations();
    backup.assertNoViolations();
  });
  afterAll(async () => {
    await gateway?.stop();
    await primary?.stop();
    await backup?.stop();
  });

  it('serves speech from the fallback when the primary is overloaded, converting for what it makes', async () => {
    primary.enqueue(overloaded);
    const response = await client.audio.speech.create({
      model: 'gpt-4o-mini-tts',
      input: 'Hello.',
      voice: 'alloy',
      response_format: 'mp3',
    });
    expect(response.headers.get('x-voxgate-provider')).toBe('backup');
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    expect((backup.lastRequest().body as { response_format: string }).response_format).toBe('pcm');

    // Priced at the fallback's own prices ($1/M text in, $20/M audio out), from the usage it reported.
    const billing = await gateway.admin('POST', `/admin/tenants/${tenantId}/keys`, { name: 'b', scope: 'billing' });
    const since = Math.floor(Date.now() / 1000) - 3600;
    const events = await fetch(`${gateway.url}/v1/usage/events?start_time=${since}&format=jsonl`, {
      headers: { authorization: `Bearer ${(billing.body as { key: string }).key}` },
    });
    const event = JSON.parse((await events.text()).trim().split('\n')[0]!) as Record<string, number | string>;
    expect(event.provider).toBe('backup');
    expect(event.cost_micros).toBe(Number(event.input_text_tokens) * 1 + Number(event.output_audio_tokens) * 20);
  });

  it('serves a transcription from the fallback, and gives up with the last error when both fail', async () => {
    primary.enqueue(overloaded);
    const transcript = await client.audio.transcriptions
      .create({ file: await toFile(readSpeechClip('jfk.wav'), 'jfk.wav'), model: 'whisper-1' })
      .withResponse();
    expect(transcript.response.headers.get('x-voxgate-provider')).toBe('backup');
    expect(transcript.data.text).toMatch(/^And so my fellow Americans/);
    primary.enqueue(overloaded);
    backup.enqueue(overloaded);
    const error = await client.audio.transcriptions
      .create({ file: await toFile(readSpeechClip('jfk.wav'), 'jfk.wav'), model: 'whisper-1' })
      .catch((e: unknown) => e);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
  });
});
