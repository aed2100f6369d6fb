import type { IncomingHttpHeaders } from 'node:http';
import type {
  AssistantMessage,
  ChatCompletionChunk,
  CompletionUsage,
  FinishReason,
  OpenAiErrorBody,
} from './fake-upstream.wire';

/**
 * What the fake upstream answers to the next request, queued with `FakeUpstream.enqueue` (FIFO, one reply
 * per request). Replies that generate content (`completion`, `toolCalls`, `streamError`, `reset`, `stall`) follow
 * the request like the default behaviour does: streaming or not, audio or text, usage chunk or not.
 */
export type ScriptedReply =
  | JsonReply
  | CompletionReply
  | ToolCallsReply
  | StreamReply
  | StreamErrorReply
  | ResetReply
  | StallReply
  | DelayReply
  | EchoReply;

/** A fixed JSON answer, e.g. an error envelope with status 429 or 500. */
export interface JsonReply {
  kind: 'json';
  /** Defaults to 200. */
  status?: number;
  body: unknown;
  /** Added to (and overriding) the default response headers. */
  headers?: Record<string, string>;
}

/** The default answer with overrides; in a stream, a string `message.content` becomes the text spoken or written. */
export interface CompletionReply {
  kind: 'completion';
  /** Shallow-merged over the default assistant message. */
  message?: Partial<AssistantMessage>;
  finishReason?: FinishReason;
  /** Shallow-merged over the computed usage. */
  usage?: Partial<CompletionUsage>;
}

/** A tool-call answer with `finish_reason: 'tool_calls'`; streamed as in openai-contract.md §3.3. */
export interface ToolCallsReply {
  kind: 'toolCalls';
  calls: FakeToolCallSpec[];
  /**
   * What the model says before calling ("Let me check…"): `content` in text mode; in audio mode the
   * transcript, spoken as the first second of the speech fixture, before the tool call deltas.
   */
  say?: string;
  /** Shallow-merged over the computed usage. */
  usage?: Partial<CompletionUsage>;
}

export interface FakeToolCallSpec {
  name: string;
  /** A JSON string as the model would produce it, or an object to stringify. */
  arguments: string | Record<string, unknown>;
  /** Defaults to a random `call_…` id. */
  id?: string;
}

/** `chunks` sent verbatim as `data:` events (status 200, text/event-stream), then `data: [DONE]`. */
export interface StreamReply {
  kind: 'stream';
  chunks: ChatCompletionChunk[];
  /** Pause before each chunk; defaults to the server's `chunkDelayMs`. */
  delayMs?: number;
  /** Send the `[DONE]` sentinel at the end; defaults to true. */
  done?: boolean;
}

/** The first `afterChunks` chunks of the default stream, then `data: {"error": …}`, then the response ends. */
export interface StreamErrorReply {
  kind: 'streamError';
  afterChunks: number;
  error: OpenAiErrorBody;
}

/** Destroys the socket (a connection reset): at once, or after `afterChunks` chunks of the default stream. */
export interface ResetReply {
  kind: 'reset';
  afterChunks?: number;
}

/**
 * A provider that hangs mid-answer: status 200 and the first `afterChunks` chunks of the default stream
 * (0: the headers only), then silence with the connection held open until the client goes away. The
 * request is then recorded as `aborted`.
 */
export interface StallReply {
  kind: 'stall';
  afterChunks: number;
}

/**
 * A misbehaving provider that reflects what it was sent: an error whose `message`, `param` and `code`
 * quote the request's headers (its credentials included), as a JSON answer with `status`, or — with
 * `afterChunks` on a streaming request — as an in-band error event after that many chunks.
 */
export interface EchoReply {
  kind: 'echo';
  status: number;
  afterChunks?: number;
}

/** Waits `ms` (or less, if the client goes away) before answering with `then` (default: the default answer). */
export interface DelayReply {
  kind: 'delay';
  ms: number;
  then?: ScriptedReply;
}

/** One request as the fake upstream received it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/openai/deployments/gpt-4o/chat/completions`. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; `undefined` if there was none or it did not parse. */
  body: unknown;
  rawBody: string;
  /** The body's bytes as received (multipart uploads are binary). */
  rawBytes: Buffer;
  /** How it was answered: `default`, a reply kind, or the name of the check that refused it. */
  answeredBy: string;
  /** The client closed the connection before the answer was complete (not counting scripted resets). */
  aborted: boolean;
}
