import type { CompletionRoute } from '@voxgate/conversation';
import type { ChatCompletionRequest, Usage } from '@voxgate/openai-wire';
import type { Principal } from '@voxgate/tenancy';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_OUTCOME,
  ATTR_PROVIDER,
  ATTR_REQUEST_ID,
  ATTR_SESSION_PRESENT,
  ATTR_STREAM,
  ATTR_TENANT_ID,
  ATTR_TOOL_RUNS,
  type SafeAttributeValue,
} from '@voxgate/telemetry';

type Attributes = Record<string, SafeAttributeValue>;

/** What the completion span knows once the request is authenticated and parsed: ids and flags only. */
export function completionStartAttributes(
  request: ChatCompletionRequest,
  principal: Principal,
  requestId: string,
  sessionPresent: boolean,
): Attributes {
  return {
    [ATTR_TENANT_ID]: principal.tenantId,
    [ATTR_REQUEST_ID]: requestId,
    [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
    [ATTR_GEN_AI_REQUEST_MODEL]: request.model,
    [ATTR_STREAM]: request.stream === true,
    [ATTR_SESSION_PRESENT]: sessionPresent,
  };
}

/** How it ended: the metering status, where it went, token totals and how many server tools ran. */
export function completionEndAttributes(
  outcome: string,
  route: CompletionRoute,
  usage: Usage | null,
  toolRuns: number,
): Attributes {
  return {
    [ATTR_OUTCOME]: outcome,
    [ATTR_PROVIDER]: route.provider,
    [ATTR_GEN_AI_SYSTEM]: route.provider,
    [ATTR_GEN_AI_RESPONSE_MODEL]: route.model,
    [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: usage?.prompt_tokens,
    [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: usage?.completion_tokens,
    [ATTR_TOOL_RUNS]: toolRuns,
  };
}
