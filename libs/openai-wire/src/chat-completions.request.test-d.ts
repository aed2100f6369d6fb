/**
 * Type-level contract, checked by `npm run typecheck`: every request Voxgate accepts is also a request
 * the official SDK can express, so the inbound schema never drifts into a private dialect.
 *
 * Known, deliberate difference: `service_tier: 'fast'` is in the OpenAPI spec (the oracle) but not yet in
 * openai-node 6.x, so that one key is compared without it.
 */
import type { ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions/completions';
import type { ChatCompletionRequest } from './chat-completions.request';

type AssertAssignable<T extends U, U> = T;

type SpecOnlyServiceTier = 'fast';

export type RequestIsSdkParams = AssertAssignable<
  Omit<ChatCompletionRequest, 'service_tier'> & {
    service_tier?: Exclude<ChatCompletionRequest['service_tier'], SpecOnlyServiceTier>;
  },
  ChatCompletionCreateParamsBase
>;
