import { PCM16_BYTES_PER_SECOND, SPEECH_TRANSCRIPT, speechPcm16 } from '@voxgate/testing';
import { ffmpegSeconds } from './support/decode';
import { useRelayEnv } from './support/e2e-env';
import { SNAPSHOT } from './support/relay-config';

type Sent = {
  messages: { role: string; content?: unknown; tool_call_id?: string }[];
  tools?: { function: { name: string } }[];
};

describe('server-side tools (non-streaming loop)', () => {
  const env = useRelayEnv();

  it('runs a registered built-in tool, feeds the result back, and answers in one request', async () => {
    const { gateway, client, upstream, tenantId } = env();
    expect(
      (
        await gateway.admin('POST', '/admin/tools', {
          name: 'kb',
          implementation: { type: 'builtin', module: 'search' },
        })
      ).status,
    ).toBe(201);
    expect((await gateway.admin('PUT', `/admin/tenants/${tenantId}/tools/kb`)).status).toBe(200);
    const upload = await gateway.admin('POST', `/admin/tenants/${tenantId}/search/documents`, {
      documents: [
        { id: 'hours', title: 'Opening hours', text: 'The restaurant opens at 7 pm and closes at midnight.' },
        { id: 'parking', title: 'Parking', text: 'Free parking is available behind the building.' },
      ],
    });
    expect(upload.status).toBe(201);

    upstream.enqueue(
      {
        kind: 'toolCalls',
        calls: [{ name: 'kb', arguments: { query: 'when does the restaurant open' }, id: 'call_kb' }],
      },
      { kind: 'completion', message: { content: 'We open at 7 pm.' } },
    );
    const { data, response } = await client.chat.completions
      .create({ model: SNAPSHOT, messages: [{ role: 'user', content: 'When do you open?' }] })
      .withResponse();

    expect(data.choices[0]?.message.content).toBe('We open at 7 pm.');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(JSON.parse(response.headers.get('x-voxgate-tool-runs') ?? '[]')).toEqual([
      { name: 'kb', status: 'ok', replayed: false },
    ]);

    const [first, second] = upstream.requests.slice(-2).map((request) => request.body as Sent);
    expect(first!.tools?.map((tool) => tool.function.name)).toContain('kb');
    const toolMessage = second!.messages.find((message) => message.role === 'tool');
    expect(toolMessage?.tool_call_id).toBe('call_kb');
    expect(JSON.stringify(toolMessage?.content)).toContain('hours');
    expect(data.usage!.total_tokens).toBeGreaterThan(0);
  });

  it('stores the tool round in the session with the answer', async () => {
    const { client, upstream, gateway, key } = env();
    upstream.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'kb', arguments: { query: 'parking' }, id: 'call_p' }] },
      { kind: 'completion', message: { content: 'Parking is free.' } },
    );
    await client.chat.completions.create(
      { model: SNAPSHOT, messages: [{ role: 'user', content: 'Parking?' }] },
      { headers: { 'x-session-id': 'tools-1' } },
    );
    const session = (await (
      await fetch(`${gateway.url}/v1/sessions/tools-1`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as {
      turns: { messages: { role: string; tool_call_id?: string; content?: unknown }[] }[];
    };
    expect(session.turns[0]!.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'assistant',
    ]);
    expect(session.turns[0]!.messages[2]).toMatchObject({ role: 'tool', tool_call_id: 'call_p' });
    expect(session.turns[0]!.messages[3]).toMatchObject({ role: 'assistant', content: 'Parking is free.' });
  });

  it('answers a spoken turn with the audio and transcript of every round in one file', async () => {
    const { client, upstream } = env();
    upstream.enqueue(
      { kind: 'toolCalls', say: 'One moment.', calls: [{ name: 'kb', arguments: { query: 'open' }, id: 'call_w' }] },
      { kind: 'completion' },
    );
    const completion = await client.chat.completions.create({
      model: SNAPSHOT,
      messages: [{ role: 'user', content: 'When do you open?' }],
      modalities: ['text', 'audio'],
      audio: { voice: 'alloy', format: 'wav' },
    });
    const audio = completion.choices[0]!.message.audio!;
    expect(audio.transcript).toBe(`One moment. ${SPEECH_TRANSCRIPT}`);
    const expected = 1 + speechPcm16().length / PCM16_BYTES_PER_SECOND;
    expect(Math.abs(ffmpegSeconds(Buffer.from(audio.data, 'base64'), 'wav') - expected)).toBeLessThan(0.05);
    // Both rounds were asked for pcm16, so their audio could be joined before encoding the wav once.
    const formats = upstream.requests
      .slice(-2)
      .map((request) => (request.body as { audio: { format: string } }).audio.format);
    expect(formats).toEqual(['pcm16', 'pcm16']);
  });

  it('rejects a client tool whose name clashes with a server tool', async () => {
    const { client } = env();
    const error = await client.chat.completions
      .create({
        model: SNAPSHOT,
        messages: [{ role: 'user', content: 'x' }],
        tools: [{ type: 'function', function: { name: 'kb' } }],
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, param: 'tools' });
  });

  it('keeps secret headers of HTTP tools out of every admin read', async () => {
    const { gateway } = env();
    const created = await gateway.admin('POST', '/admin/tools', {
      name: 'crm_lookup',
      parameters: { type: 'object', properties: { id: { type: 'string' } } },
      implementation: {
        type: 'http',
        url: 'https://crm.example.com/lookup',
        method: 'POST',
        headers: { authorization: 'Bearer crm-SECRET-123' },
      },
    });
    expect(JSON.stringify(created.body)).not.toContain('crm-SECRET-123');
    const listed = await gateway.admin('GET', '/admin/tools');
    expect(JSON.stringify(listed.body)).not.toContain('crm-SECRET-123');
    expect(gateway.output).not.toContain('crm-SECRET-123');
  });
});
