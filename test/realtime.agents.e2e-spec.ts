import { OpenAIRealtimeWebSocket, RealtimeAgent, RealtimeSession, tool } from '@openai/agents-realtime';
import { SPEECH_TRANSCRIPT, speechPcm16, wavFromPcm16 } from '@voxgate/testing';
import { z } from 'zod';
import { ffmpegSeconds } from './support/decode';
import { useRelayEnv } from './support/e2e-env';
import { ALIAS, relayConfig, UPSTREAM_KEY } from './support/relay-config';

const RT_ALIAS = 'gpt-realtime';
const SPEECH_SECONDS = speechPcm16().length / 48_000;

async function waitFor(condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} not met in time`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The session config the agent sends. The Agents SDK's defaults ask for input transcription
 * (`gpt-4o-mini-transcribe`) and `semantic_vad`, which the bridge does not do (docs/realtime.md): they are
 * turned off here, and turns are manual (commit + `response.create`).
 */
const CONFIG = { audio: { input: { transcription: null, turnDetection: null } } } as const;

/** `@openai/agents-realtime`: a `RealtimeAgent` in a `RealtimeSession` over its WebSocket transport. */
async function startAgent(gatewayUrl: string, key: string, model: string, calls: Array<{ city: string }>) {
  const weather = tool({
    name: 'get_weather',
    description: 'Weather of a city',
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => {
      calls.push({ city });
      return `{"city":"${city}","temp_c":21}`;
    },
  });
  const agent = new RealtimeAgent({ name: 'Assistant', instructions: 'Be brief.', tools: [weather] });
  const url = `${gatewayUrl.replace(/^http/, 'ws')}/v1/realtime?model=${model}`;
  const session = new RealtimeSession(agent, {
    transport: new OpenAIRealtimeWebSocket({ url }),
    model,
    config: CONFIG,
    tracingDisabled: true,
  });
  const events: Array<{ type: string; [key: string]: unknown }> = [];
  const audio: Buffer[] = [];
  session.on('transport_event', (event) => events.push(event as { type: string }));
  session.on('audio', (event) => audio.push(Buffer.from(event.data)));
  session.on('error', () => undefined); // collected from transport events
  await session.connect({ apiKey: key, url });
  return { session, events, audio };
}

describe.each([
  { backend: 'bridge', model: ALIAS },
  { backend: 'passthrough', model: RT_ALIAS },
])('@openai/agents-realtime against the gateway ($backend)', ({ backend, model }) => {
  const models = [
    ...(relayConfig('http://unused').models as unknown[]),
    { id: 'gpt-realtime-2025-08-28', aliases: [RT_ALIAS], provider: 'openai', realtime: 'passthrough' },
  ];
  const env = useRelayEnv({}, { models });
  beforeEach(() => env().upstream.clear());

  it('a spoken turn: the agent sends audio, hears the answer (decodable) and gets its transcript', async () => {
    const { gateway, key } = env();
    const { session, events, audio } = await startAgent(gateway.url, key, model, []);
    try {
      await waitFor(() => events.some((event) => event.type === 'session.updated'), 10_000, 'session.updated');
      const pcm = speechPcm16();
      session.sendAudio(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.length) as ArrayBuffer, { commit: true });
      session.transport.sendEvent({ type: 'response.create' });
      await waitFor(() => events.some((event) => event.type === 'response.done'), 10_000, 'response.done');
      expect(events.filter((event) => event.type === 'error')).toEqual([]);
      const answer = Buffer.concat(audio);
      expect(answer.equals(speechPcm16())).toBe(true);
      expect(ffmpegSeconds(wavFromPcm16(answer), 'wav')).toBeCloseTo(SPEECH_SECONDS, 2);
      const transcript = events.find((event) => event.type === 'response.output_audio_transcript.done');
      expect(transcript?.transcript).toBe(SPEECH_TRANSCRIPT);
      expect(JSON.stringify(events)).not.toContain(UPSTREAM_KEY);
    } finally {
      session.close();
    }
  });

  it('a client tool the agent defines is called, run by the agent, and its result fed back for the answer', async () => {
    const { gateway, key, upstream } = env();
    const calls: Array<{ city: string }> = [];
    if (backend === 'bridge') {
      upstream.enqueue({
        kind: 'toolCalls',
        calls: [{ name: 'get_weather', arguments: { city: 'Paris' }, id: 'call_w1' }],
      });
    } else {
      upstream.enqueueRealtime({
        kind: 'functionCall',
        name: 'get_weather',
        arguments: { city: 'Paris' },
        callId: 'call_w1',
      });
    }
    const { session, events } = await startAgent(gateway.url, key, model, calls);
    try {
      await waitFor(() => events.some((event) => event.type === 'session.updated'), 10_000, 'session.updated');
      session.sendMessage('Weather in Paris?');
      // The SDK sends the function_call_output and response.create itself once the tool has run.
      await waitFor(
        () => events.filter((event) => event.type === 'response.done').length >= 2,
        10_000,
        'two responses',
      );
      expect(events.filter((event) => event.type === 'error')).toEqual([]);
      expect(calls).toEqual([{ city: 'Paris' }]);
      const final = events.filter((event) => event.type === 'response.done')[1] as unknown as {
        response: { status: string; output: Array<{ type: string }> };
      };
      expect(final.response.status).toBe('completed');
      expect(final.response.output[0]?.type).toBe('message');
      if (backend === 'bridge') {
        const messages = (upstream.lastRequest().body as { messages: Array<Record<string, unknown>> }).messages;
        expect(messages.at(-1)).toEqual({
          role: 'tool',
          tool_call_id: 'call_w1',
          content: '{"city":"Paris","temp_c":21}',
        });
      } else {
        const sent = upstream.realtimeSessions[0]!.events as Array<Record<string, unknown>>;
        expect(sent).toContainEqual(
          expect.objectContaining({
            type: 'conversation.item.create',
            item: expect.objectContaining({
              type: 'function_call_output',
              call_id: 'call_w1',
              output: '{"city":"Paris","temp_c":21}',
            }),
          }),
        );
      }
    } finally {
      session.close();
    }
  });
});
