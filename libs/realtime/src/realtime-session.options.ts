import type { SessionUpdate } from './client-events';
import type { ItemAudio } from './conversation';
import type { IdGenerator } from './ids';
import type { InputTranscriber } from './input-transcription';
import type { ConversationItemObject, OutgoingServerEvent, ResponseObject } from './server-events';
import type { TurnDetectorFactory } from './turn-detector';
import type { TurnRunner } from './turn-runner';

/** What a `RealtimeSession` is built with: the transport's writer, the turn runner, limits and hooks. */
export interface RealtimeSessionOptions {
  readonly model: string;
  readonly keyId: string;
  readonly runner: TurnRunner;
  /** Writes one event to the client; must not throw. */
  readonly emit: (event: OutgoingServerEvent) => void;
  /** Longest uncommitted input audio, in seconds. */
  readonly maxBufferSeconds: number;
  /**
   * Settings the session starts with, applied over the defaults before `session.created` (a client
   * secret's bound `session`); the client may still change them with `session.update`.
   */
  readonly initialSession?: SessionUpdate;
  /** Session lifetime; `expires_at` in the session object. */
  readonly lifetimeSeconds: number;
  readonly newId?: IdGenerator;
  readonly now?: () => number;
  /**
   * Told about each frame that was not a valid event (the transport bounds how many it tolerates);
   * returning false suppresses its `error` event (the transport is closing the socket).
   */
  readonly onInvalidEvent?: () => boolean;
  /**
   * Told when the client truncated an answer this socket had stored (`conversation.item.truncate` after its
   * turn was stored): the transcript it keeps, what the user heard, so the stored turn can be made to say
   * the same and a resumed conversation holds only that. The session waits for what it returns before it
   * answers `conversation.item.truncated` (and before the client's next events), so a conversation resumed
   * once the client saw that event, on any replica, holds only what was heard. Must not throw or reject.
   */
  readonly onStoredAnswerTruncated?: (storedTurnId: string, transcript: string) => Promise<void> | void;
  /** Told about a response's end (metrics, logs); must not throw. */
  readonly onResponseDone?: (response: ResponseObject) => void;
  /** The session-store id of the conversation (see `TurnRequest.sessionId`); default null. */
  readonly sessionId?: string | null;
  /**
   * Most bytes of user audio (as WAV) one turn's request carries; older user turns go as their
   * transcript or a placeholder (`Conversation.toMessages`). Default: unbounded.
   */
  readonly historyAudioBytes?: number;
  /**
   * Builds the detector behind `turn_detection` (the gateway's `realtime.vad.engine`: Silero or energy);
   * default: the energy detector (`ServerVadDetector`).
   */
  readonly turnDetector?: TurnDetectorFactory;
  /**
   * Input audio transcription (`audio.input.transcription`) of committed user turns; without it the
   * session refuses to turn transcription on.
   */
  readonly transcriber?: InputTranscriber;
  /** A resumed conversation: items loaded from the session store, oldest first, with their user audio. */
  readonly restored?: ReadonlyArray<{ item: ConversationItemObject; audio?: Map<number, ItemAudio> }>;
}
