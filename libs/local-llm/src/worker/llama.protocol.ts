/**
 * Messages between `GgufTextModel` (main thread) and the llama worker thread. Plain structured-clone data;
 * the worker never sees an OpenAI request, only the chat history and generation settings derived from it.
 */

/** JSON Schema as node-llama-cpp's grammar accepts it (`GbnfJsonSchema`); produced by `toGrammarSchema`. */
export type GrammarSchema = { readonly [key: string]: unknown };

/** node-llama-cpp's `ChatHistoryItem`, restated so the main thread needs no type import from the ESM package. */
export type HistoryItem =
  | { type: 'system'; text: string }
  | { type: 'user'; text: string }
  | { type: 'model'; response: Array<string | HistoryFunctionCall> };

export interface HistoryFunctionCall {
  type: 'functionCall';
  name: string;
  params: unknown;
  result: unknown;
}

export interface FunctionSpec {
  description?: string;
  params?: GrammarSchema;
}

/**
 * How tools take part. `auto`: node-llama-cpp's function calling (the model may call, the call's
 * parameters are grammar-constrained once it starts one). `forced`: the whole answer is one call, the
 * output constrained by `schema` (the function's parameters, or `{ name, arguments }` for a choice
 * between several when `functionName` is absent).
 */
export type ToolMode =
  | { kind: 'none' }
  | { kind: 'auto'; functions: Record<string, FunctionSpec> }
  | { kind: 'forced'; functions: Record<string, FunctionSpec>; functionName?: string; schema: GrammarSchema };

export interface GenerateJob {
  history: HistoryItem[];
  tools: ToolMode;
  maxTokens?: number;
  temperature: number;
  topP?: number;
  seed?: number;
  stop: string[];
  /**
   * `response_format`: the answer's text constrained to any JSON (`json`) or to a schema. Applied when
   * tools are `none`; node-llama-cpp cannot combine a grammar with function calling.
   */
  responseFormat?: { kind: 'json' } | { kind: 'schema'; schema: GrammarSchema };
}

export type ToMain =
  | { type: 'ready'; contextSize: number }
  | { type: 'load_failed'; message: string }
  | { type: 'started'; id: number; promptTokens: number }
  /** Text of the answer, or of the forced call's JSON (`toolText`). */
  | { type: 'text'; id: number; text: string; toolText: boolean }
  | {
      type: 'done';
      id: number;
      completionTokens: number;
      stopReason: 'stop' | 'length' | 'tool_calls';
      /** Auto mode's calls, arguments as JSON text; forced mode's parsed choice for several functions. */
      calls: Array<{ name: string; arguments: string }>;
    }
  | {
      type: 'failed';
      id: number;
      code: 'context_length_exceeded' | 'bad_grammar' | 'generation_failed';
      message: string;
    };

export type ToWorker =
  { type: 'generate'; id: number; job: GenerateJob } | { type: 'abort'; id: number } | { type: 'close' };

/** What the worker is started with (`workerData`). */
export interface LlamaWorkerData {
  modelPath: string;
  contextSize: number;
  threads: number;
  parallel: number;
}
