/**
 * Type-level contract, checked by `npm run typecheck`: every request Voxgate accepts is also a request
 * the official SDK can express, so the inbound schema never drifts into a private dialect.
 *
 * Known, deliberate differences, compared without them:
 * - `service_tier: 'fast'` is in the OpenAPI spec (the oracle) but not yet in openai-node 6.x;
 * - Voxgate's additive extensions: `speed`, `audio.speed`, G.711 output formats, and input audio formats
 *   beyond wav/mp3 (the request *with OpenAI's formats* is checked by `OpenAIFormatsRequest`).
 */
import type {
  ChatCompletionCreateParamsBase,
  ChatCompletionMessage,
  ParsedChatCompletionMessage,
} from 'openai/resources/chat/completions/completions';
import type { z } from 'zod';
import type { ChatCompletionRequest } from './chat-completions.request';
import type { AssistantMessageSchema } from './chat-messages.request';

type AssertAssignable<T extends U, U> = T;

type SpecOnlyServiceTier = 'fast';

type OpenAIFormatsRequest = Omit<ChatCompletionRequest, 'service_tier' | 'speed' | 'audio' | 'messages'> & {
  service_tier?: Exclude<ChatCompletionRequest['service_tier'], SpecOnlyServiceTier>;
  audio?: {
    voice: NonNullable<ChatCompletionRequest['audio']>['voice'];
    format: 'wav' | 'aac' | 'mp3' | 'flac' | 'opus' | 'pcm16';
  } | null;
  messages: Exclude<ChatCompletionRequest['messages'][number], { role: 'user' }>[];
};

export type RequestIsSdkParams = AssertAssignable<OpenAIFormatsRequest, ChatCompletionCreateParamsBase>;

/**
 * The other direction, for history: an assistant message as the SDK returns it (`create`), or as its
 * helpers assemble it (`finalChatCompletion()`, `parse`), is an assistant message Voxgate accepts back.
 */
type AcceptedAssistantMessage = z.input<typeof AssistantMessageSchema>;
export type SdkAnswerIsHistory = AssertAssignable<ChatCompletionMessage, AcceptedAssistantMessage>;
export type SdkParsedAnswerIsHistory = AssertAssignable<ParsedChatCompletionMessage<unknown>, AcceptedAssistantMessage>;
