import { readFileSync } from 'node:fs';
import path from 'node:path';
import { useRelayEnv } from './support/e2e-env';
import { SNAPSHOT } from './support/relay-config';

const webm = readFileSync(path.resolve(__dirname, '../libs/audio/fixtures/chrome-mediarecorder.webm'));
type Sent = { messages: { content: { input_audio?: { data: string; format: string } }[] }[] };

describe('multipart upload of chat completions (raw audio, no base64)', () => {
  const env = useRelayEnv();

  function form(request: unknown, files: Record<string, Buffer>): FormData {
    const data = new FormData();
    data.append('request', JSON.stringify(request));
    for (const [name, bytes] of Object.entries(files))
      data.append(name, new Blob([bytes], { type: 'audio/webm' }), `${name}.webm`);
    return data;
  }

  const post = (body: FormData) =>
    fetch(`${env().gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env().key}` },
      body,
    });

  it('accepts a request whose input_audio refers to an uploaded file part', async () => {
    const request = {
      model: SNAPSHOT,
      messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: '@voice', format: 'webm' } }] }],
    };
    const response = await post(form(request, { voice: webm }));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { model: string }).model).toBe(SNAPSHOT);
    const sent = (env().upstream.lastRequest().body as Sent).messages[0]!.content[0]!.input_audio!;
    expect(sent.format).toBe('wav');
    expect(Buffer.from(sent.data, 'base64').subarray(0, 4).toString()).toBe('RIFF');
  });

  it.each([
    [
      'a missing request field',
      () => {
        const f = new FormData();
        f.append('voice', new Blob([webm]));
        return f;
      },
      'request',
    ],
    [
      'a reference to a part that was not uploaded',
      () =>
        form(
          {
            model: SNAPSHOT,
            messages: [
              { role: 'user', content: [{ type: 'input_audio', input_audio: { data: '@nope', format: 'webm' } }] },
            ],
          },
          {},
        ),
      'messages[0].content[0].input_audio.data',
    ],
    [
      'an unreferenced part',
      () => form({ model: SNAPSHOT, messages: [{ role: 'user', content: 'hi' }] }, { stray: webm }),
      'stray',
    ],
  ])('rejects %s with a 400', async (_name, build, param) => {
    const response = await post(build());
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe(param);
  });
});
