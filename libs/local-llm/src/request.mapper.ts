import { type ChatCompletionRequest, type ChatMessage, Errors } from '@voxgate/openai-wire';
import { toGrammarSchema } from './tool-grammar';
import type { FunctionSpec, GenerateJob, HistoryFunctionCall, HistoryItem, ToolMode } from './worker/llama.protocol';

type ContentPart = { type: string; text?: string };

function textOf(content: string | readonly ContentPart[] | null | undefined, param: string): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part, index) => {
      if (part.type === 'text') return part.text ?? '';
      if (part.type === 'refusal') return '';
      throw Errors.invalidRequest(
        `A local GGUF model takes text only; '${part.type}' content parts are not supported.`,
        `${param}[${index}]`,
        'unsupported_content',
      );
    })
    .join('');
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * OpenAI messages as node-llama-cpp's chat history, which its chat wrapper (picked from the model's
 * embedded template: ChatML, Llama 3, Gemma, …) renders. system and developer → `system`; user → `user`;
 * assistant → `model` (its text, then its tool calls); a `tool` (or legacy `function`) message becomes the
 * `result` of the call it answers, which is how node-llama-cpp renders calls and results. A history whose
 * last assistant turn ends in answered calls is continued (the model answers after the results); otherwise
 * an empty model turn is added for the answer.
 */
export function toChatHistory(messages: readonly ChatMessage[]): HistoryItem[] {
  const history: HistoryItem[] = [];
  const callsById = new Map<string, HistoryFunctionCall>();
  let lastCalls: HistoryFunctionCall[] = [];
  messages.forEach((message, index) => {
    const param = `messages[${index}].content`;
    switch (message.role) {
      case 'system':
      case 'developer':
        history.push({ type: 'system', text: textOf(message.content, param) });
        return;
      case 'user':
        history.push({ type: 'user', text: textOf(message.content, param) });
        return;
      case 'assistant': {
        const response: Array<string | HistoryFunctionCall> = [];
        const text = textOf(message.content, param);
        if (text !== '') response.push(text);
        lastCalls = [];
        for (const call of message.tool_calls ?? []) {
          if (call.type !== 'function') continue;
          const item: HistoryFunctionCall = {
            type: 'functionCall',
            name: call.function.name,
            params: parseArguments(call.function.arguments),
            result: null,
          };
          callsById.set(call.id, item);
          lastCalls.push(item);
          response.push(item);
        }
        if (message.function_call) {
          const item: HistoryFunctionCall = {
            type: 'functionCall',
            name: message.function_call.name,
            params: parseArguments(message.function_call.arguments),
            result: null,
          };
          lastCalls.push(item);
          response.push(item);
        }
        history.push({ type: 'model', response });
        return;
      }
      case 'tool': {
        const call = callsById.get(message.tool_call_id);
        if (!call) {
          throw Errors.invalidRequest(
            `The tool message answers tool_call_id '${message.tool_call_id}', which no earlier assistant message called.`,
            `messages[${index}].tool_call_id`,
          );
        }
        call.result = parseArguments(textOf(message.content, param));
        return;
      }
      case 'function': {
        const call = [...lastCalls].reverse().find((item) => item.name === message.name);
        if (call) call.result = parseArguments(message.content ?? '');
        return;
      }
    }
  });
  const last = history[history.length - 1];
  const continues = last?.type === 'model' && last.response.length > 0 && typeof last.response.at(-1) !== 'string';
  if (!continues) history.push({ type: 'model', response: [] });
  return history;
}

function toolFunctions(request: ChatCompletionRequest): Record<string, FunctionSpec> {
  const functions: Record<string, FunctionSpec> = {};
  (request.tools ?? []).forEach((tool, index) => {
    if (tool.type !== 'function') {
      throw Errors.invalidRequest(
        'A local GGUF model supports function tools only, not custom tools.',
        `tools[${index}].type`,
        'unsupported_tool',
      );
    }
    const { name, description, parameters } = tool.function;
    functions[name] = {
      ...(description ? { description } : {}),
      params: toGrammarSchema(parameters ?? { type: 'object', properties: {} }, `tools[${index}].function.parameters`),
    };
  });
  (request.functions ?? []).forEach((fn, index) => {
    functions[fn.name] = {
      ...(fn.description ? { description: fn.description } : {}),
      params: toGrammarSchema(fn.parameters ?? { type: 'object', properties: {} }, `functions[${index}].parameters`),
    };
  });
  return functions;
}

function pick(
  functions: Record<string, FunctionSpec>,
  names: readonly string[],
  param: string,
): Record<string, FunctionSpec> {
  const picked: Record<string, FunctionSpec> = {};
  for (const name of names) {
    const spec = functions[name];
    if (!spec)
      throw Errors.invalidRequest(`tool_choice names '${name}', which is not among the request's tools.`, param);
    picked[name] = spec;
  }
  return picked;
}

function forced(functions: Record<string, FunctionSpec>, all: Record<string, FunctionSpec>): ToolMode {
  const names = Object.keys(functions);
  if (names.length === 1) {
    const name = names[0]!;
    return { kind: 'forced', functions: all, functionName: name, schema: functions[name]!.params ?? {} };
  }
  return {
    kind: 'forced',
    functions: all,
    schema: {
      oneOf: names.map((name) => ({
        type: 'object',
        properties: { name: { const: name }, arguments: functions[name]!.params ?? { type: 'object', properties: {} } },
      })),
    },
  };
}

/** How the request's tools and `tool_choice` (or legacy `functions` / `function_call`) drive generation. */
export function toToolMode(request: ChatCompletionRequest): ToolMode {
  const all = toolFunctions(request);
  if (Object.keys(all).length === 0) return { kind: 'none' };
  const choice = request.tool_choice ?? request.function_call;
  if (choice === undefined || choice === 'auto') return { kind: 'auto', functions: all };
  if (choice === 'none') return { kind: 'none' };
  if (choice === 'required') return forced(all, all);
  if ('name' in choice) return forced(pick(all, [choice.name], 'function_call'), all);
  if (choice.type === 'function') return forced(pick(all, [choice.function.name], 'tool_choice'), all);
  if (choice.type === 'allowed_tools') {
    const names = choice.allowed_tools.tools.map((tool) => {
      const fn = tool.function as { name?: unknown } | undefined;
      return typeof fn?.name === 'string' ? fn.name : '';
    });
    const allowed = pick(all, names, 'tool_choice.allowed_tools.tools');
    return choice.allowed_tools.mode === 'required' ? forced(allowed, allowed) : { kind: 'auto', functions: allowed };
  }
  throw Errors.invalidRequest('A local GGUF model supports function tools only, not custom tools.', 'tool_choice');
}

function toResponseFormat(request: ChatCompletionRequest): GenerateJob['responseFormat'] {
  const format = request.response_format;
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object' || !format.json_schema.schema) return { kind: 'json' };
  return { kind: 'schema', schema: toGrammarSchema(format.json_schema.schema, 'response_format.json_schema.schema') };
}

/** Everything the worker needs for one completion. */
export function toGenerateJob(request: ChatCompletionRequest): GenerateJob {
  if ((request.n ?? 1) > 1) {
    throw Errors.invalidRequest(
      'A local GGUF model generates one choice per request (n = 1).',
      'n',
      'unsupported_value',
    );
  }
  const stop = request.stop == null ? [] : typeof request.stop === 'string' ? [request.stop] : request.stop;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const responseFormat = toResponseFormat(request);
  return {
    ...(responseFormat ? { responseFormat } : {}),
    history: toChatHistory(request.messages),
    tools: toToolMode(request),
    ...(maxTokens != null ? { maxTokens } : {}),
    // OpenAI samples at temperature 1 unless told otherwise; node-llama-cpp's own default is greedy (0).
    temperature: request.temperature ?? 1,
    ...(request.top_p != null ? { topP: request.top_p } : {}),
    ...(request.seed != null ? { seed: request.seed } : {}),
    stop: stop.filter((s) => s !== ''),
  };
}
