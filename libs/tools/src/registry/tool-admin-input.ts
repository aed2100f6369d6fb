import { Errors, toInvalidRequest } from '@voxgate/openai-wire';
import { type ToolDefinitionInput, ToolDefinitionInputSchema } from './tool-definition';

/** Parses an admin request body as a tool definition; a 400 in OpenAI's envelope otherwise. */
export function parseToolDefinition(body: unknown): ToolDefinitionInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw Errors.invalidRequest('The request body must be a JSON object describing the tool.');
  const parsed = ToolDefinitionInputSchema.safeParse(body);
  if (!parsed.success) throw toInvalidRequest(parsed.error);
  return parsed.data;
}
