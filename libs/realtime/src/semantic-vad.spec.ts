import { parseClientEvent } from './parse-client-event';
import { detectorSettingsOf, SEMANTIC_SILENCE_MS } from './semantic-vad';
import { applySessionUpdate, DEFAULT_SERVER_VAD, defaultSession } from './session-config';

const base = () => defaultSession('sess_1', 'gpt-audio', 0);
const withVad = (turn_detection: object | null) => ({
  type: 'realtime' as const,
  audio: { input: { turn_detection } },
});

describe('semantic_vad', () => {
  it('is accepted by the parser with the spec fields only', () => {
    const ok = parseClientEvent(
      JSON.stringify({ type: 'session.update', session: withVad({ type: 'semantic_vad', eagerness: 'low' }) }),
    );
    expect(ok.ok).toBe(true);
    for (const bad of [
      { type: 'semantic_vad', eagerness: 'fast' },
      { type: 'semantic_vad', threshold: 0.5 },
    ]) {
      const refused = parseClientEvent(JSON.stringify({ type: 'session.update', session: withVad(bad) }));
      expect(refused.ok).toBe(false);
    }
  });

  it('takes the spec defaults, merges partial updates of its own type, and switches types cleanly', () => {
    const semantic = applySessionUpdate(base(), {
      type: 'realtime',
      audio: { input: { turn_detection: { type: 'semantic_vad' } } },
    });
    expect(semantic.audio.input.turn_detection).toEqual({
      type: 'semantic_vad',
      eagerness: 'auto',
      create_response: true,
      interrupt_response: true,
    });
    const eager = applySessionUpdate(semantic, {
      type: 'realtime',
      audio: { input: { turn_detection: { type: 'semantic_vad', eagerness: 'high', create_response: false } } },
    });
    expect(eager.audio.input.turn_detection).toMatchObject({ eagerness: 'high', create_response: false });
    // Back to server_vad: its defaults, none of semantic_vad's fields.
    const server = applySessionUpdate(eager, {
      type: 'realtime',
      audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 900 } } },
    });
    expect(server.audio.input.turn_detection).toEqual({ ...DEFAULT_SERVER_VAD, silence_duration_ms: 900 });
  });

  it('maps eagerness onto the silence that ends a turn, high quickest', () => {
    expect(
      detectorSettingsOf({ type: 'semantic_vad', eagerness: 'high', create_response: true, interrupt_response: true }),
    ).toEqual({ threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: SEMANTIC_SILENCE_MS.high });
    expect(SEMANTIC_SILENCE_MS.high).toBeLessThan(SEMANTIC_SILENCE_MS.medium);
    expect(SEMANTIC_SILENCE_MS.medium).toBeLessThan(SEMANTIC_SILENCE_MS.low);
    expect(SEMANTIC_SILENCE_MS.auto).toBe(SEMANTIC_SILENCE_MS.medium);
    expect(detectorSettingsOf(DEFAULT_SERVER_VAD)).toBe(DEFAULT_SERVER_VAD);
  });
});
