import type { AudioFormatInput, SessionUpdate } from './client-events';
import { DEFAULT_SEMANTIC_VAD } from './semantic-vad';
import type { AudioFormat, RealtimeSessionObject, SemanticVad, ServerVad } from './server-events';

/** Server VAD defaults (spec `RealtimeTurnDetection`, values of the `session.created` example). */
export const DEFAULT_SERVER_VAD: ServerVad = {
  type: 'server_vad',
  threshold: 0.5,
  prefix_padding_ms: 300,
  silence_duration_ms: 500,
  idle_timeout_ms: null,
  create_response: true,
  interrupt_response: true,
};

export const DEFAULT_INSTRUCTIONS = 'You are a helpful assistant. Answer briefly, in the language of the user.';

/** A new session's effective configuration, as `session.created` reports it. */
export function defaultSession(id: string, model: string, expiresAt: number): RealtimeSessionObject {
  return {
    type: 'realtime',
    object: 'realtime.session',
    id,
    model,
    expires_at: expiresAt,
    output_modalities: ['audio'],
    instructions: DEFAULT_INSTRUCTIONS,
    audio: {
      input: { format: { type: 'audio/pcm', rate: 24000 }, transcription: null, turn_detection: DEFAULT_SERVER_VAD },
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy', speed: 1 },
    },
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
  };
}

export function normalizeFormat(format: AudioFormatInput): AudioFormat {
  return format.type === 'audio/pcm' ? { type: 'audio/pcm', rate: 24000 } : format;
}

/**
 * `session.update` semantics: only fields present change, nested objects merge deeply (an update of
 * `audio.output.voice` keeps `audio.input`), arrays are replaced, `turn_detection: null` turns VAD off,
 * and a partial `server_vad` or `semantic_vad` merges into the current one of the same type (or that
 * type's defaults when VAD was off or of the other type). `model` and
 * `id` are fixed for the session: the model was admitted at the handshake. Ignored fields: `tracing`,
 * `include`, `truncation`, `prompt`.
 */
export function applySessionUpdate(current: RealtimeSessionObject, update: SessionUpdate): RealtimeSessionObject {
  const input = update.audio?.input;
  const output = update.audio?.output;
  let turnDetection = current.audio.input.turn_detection;
  if (input?.turn_detection === null) turnDetection = null;
  else if (input?.turn_detection?.type === 'semantic_vad') {
    const base = turnDetection?.type === 'semantic_vad' ? turnDetection : DEFAULT_SEMANTIC_VAD;
    turnDetection = { ...base, ...(definedOnly(input.turn_detection) as Partial<SemanticVad>), type: 'semantic_vad' };
  } else if (input?.turn_detection) {
    const base = turnDetection?.type === 'server_vad' ? turnDetection : DEFAULT_SERVER_VAD;
    turnDetection = { ...base, ...(definedOnly(input.turn_detection) as Partial<ServerVad>), type: 'server_vad' };
  }
  return {
    ...current,
    output_modalities: update.output_modalities ?? current.output_modalities,
    instructions: update.instructions ?? current.instructions,
    audio: {
      input: {
        format: input?.format ? normalizeFormat(input.format) : current.audio.input.format,
        // Replaced whole, not merged (`{model}` alone drops an earlier `language`); `null` turns it off.
        transcription: input?.transcription === undefined ? current.audio.input.transcription : input.transcription,
        turn_detection: turnDetection,
      },
      output: {
        format: output?.format ? normalizeFormat(output.format) : current.audio.output.format,
        voice: output?.voice ?? current.audio.output.voice,
        speed: output?.speed ?? current.audio.output.speed,
      },
    },
    tools: update.tools ?? current.tools,
    tool_choice: update.tool_choice ?? current.tool_choice,
    max_output_tokens: update.max_output_tokens ?? current.max_output_tokens,
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
