import { parentPort, workerData } from 'node:worker_threads';
import type * as NodeLlamaCpp from 'node-llama-cpp' with { 'resolution-mode': 'import' };
import { withFiniteNumbers } from './finite-numbers';
import type { GenerateJob, GrammarSchema, LlamaWorkerData, ToMain, ToWorker } from './llama.protocol';

type Api = typeof NodeLlamaCpp;

// node-llama-cpp is ESM with top-level await, which `require` cannot load; a real `import()` can. Written as
// a Function so neither tsc's nor SWC's CommonJS output turns it into `require`.
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Api>;

const port = parentPort;
if (!port) throw new Error('llama.worker must run in a worker thread');
const data = workerData as LlamaWorkerData;
const post = (message: ToMain): void => port.postMessage(message);

interface Loaded {
  api: Api;
  llama: NodeLlamaCpp.Llama;
  model: NodeLlamaCpp.LlamaModel;
  context: NodeLlamaCpp.LlamaContext;
  free: NodeLlamaCpp.LlamaContextSequence[];
}

const aborts = new Map<number, AbortController>();
const queue: Array<{ id: number; job: GenerateJob }> = [];

async function load(): Promise<Loaded> {
  const api = await importEsm('node-llama-cpp');
  // CPU only, never build or download llama.cpp at run time: the prebuilt binary from npm or nothing.
  const llama = await api.getLlama({ gpu: false, build: 'never', logLevel: api.LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: data.modelPath, gpuLayers: 0 });
  const context = await model.createContext({
    contextSize: data.contextSize,
    sequences: data.parallel,
    threads: data.threads,
  });
  const free: NodeLlamaCpp.LlamaContextSequence[] = [];
  for (let i = 0; i < data.parallel; i++) free.push(context.getSequence());
  return { api, llama, model, context, free };
}

/** A grammar for `schema` as node-llama-cpp builds it, with finite numbers only (`finite-numbers.ts`). */
async function finiteJsonGrammar(loaded: Loaded, schema: GrammarSchema): Promise<NodeLlamaCpp.LlamaGrammar> {
  // The schema is only known at run time; its generic type parameter cannot be inferred from it.
  const json = await loaded.llama.createGrammarForJsonSchema(schema as never);
  // The same options LlamaJsonSchemaGrammar sets.
  return loaded.llama.createGrammar({
    grammar: withFiniteNumbers(json.grammar),
    stopGenerationTriggers: [loaded.api.LlamaText(['\n'.repeat(4)])],
    trimWhitespaceSuffix: true,
  });
}

function finishReason(stopReason: string): 'stop' | 'length' | 'tool_calls' {
  if (stopReason === 'maxTokens') return 'length';
  if (stopReason === 'functionCalls') return 'tool_calls';
  return 'stop';
}

async function generate(loaded: Loaded, sequence: NodeLlamaCpp.LlamaContextSequence, id: number, job: GenerateJob) {
  const controller = aborts.get(id) ?? new AbortController();
  const chat = new loaded.api.LlamaChat({ contextSequence: sequence });
  try {
    const history = job.history as NodeLlamaCpp.ChatHistoryItem[];
    const functions = job.tools.kind === 'none' ? undefined : (job.tools.functions as NodeLlamaCpp.ChatModelFunctions);
    const state = chat.chatWrapper.generateContextState({
      chatHistory: history,
      ...(functions ? { availableFunctions: functions, documentFunctionParams: true } : {}),
    });
    const promptTokens = state.contextText.tokenize(loaded.model.tokenizer).length;
    if (promptTokens >= loaded.context.contextSize) {
      post({
        type: 'failed',
        id,
        code: 'context_length_exceeded',
        message: `The messages take ${promptTokens} tokens; this model's context holds ${loaded.context.contextSize}.`,
      });
      return;
    }
    post({ type: 'started', id, promptTokens });
    const outputBefore = sequence.tokenMeter.usedOutputTokens;
    const common = {
      signal: controller.signal,
      temperature: job.temperature,
      ...(job.maxTokens !== undefined ? { maxTokens: job.maxTokens } : {}),
      ...(job.topP !== undefined ? { topP: job.topP } : {}),
      ...(job.seed !== undefined ? { seed: job.seed } : {}),
      ...(job.stop.length > 0 ? { customStopTriggers: job.stop } : {}),
    };
    const calls: Array<{ name: string; arguments: string }> = [];
    let stopReason: string;
    if (job.tools.kind === 'forced') {
      let grammar: NodeLlamaCpp.LlamaGrammar;
      try {
        grammar = await finiteJsonGrammar(loaded, job.tools.schema);
      } catch (error) {
        post({ type: 'failed', id, code: 'bad_grammar', message: (error as Error).message });
        return;
      }
      // The functions are described in the system prompt as in auto mode; the answer is only the call.
      const described = chat.chatWrapper.addAvailableFunctionsSystemMessageToHistory(history, functions, {
        documentParams: true,
      }) as NodeLlamaCpp.ChatHistoryItem[];
      const result = await chat.generateResponse(described, {
        ...common,
        grammar,
        onTextChunk: (text) => post({ type: 'text', id, text, toolText: true }),
      });
      stopReason = result.metadata.stopReason === 'maxTokens' ? 'maxTokens' : 'functionCalls';
    } else if (job.tools.kind === 'none' && job.responseFormat) {
      let grammar: NodeLlamaCpp.LlamaGrammar;
      try {
        grammar =
          job.responseFormat.kind === 'json'
            ? await loaded.llama.getGrammarFor('json')
            : await finiteJsonGrammar(loaded, job.responseFormat.schema);
      } catch (error) {
        post({ type: 'failed', id, code: 'bad_grammar', message: (error as Error).message });
        return;
      }
      const result = await chat.generateResponse(history, {
        ...common,
        grammar,
        onTextChunk: (text) => post({ type: 'text', id, text, toolText: false }),
      });
      stopReason = result.metadata.stopReason;
    } else {
      const result = await chat.generateResponse<NodeLlamaCpp.ChatModelFunctions>(history, {
        ...common,
        ...(functions ? { functions, documentFunctionParams: true } : {}),
        onTextChunk: (text) => post({ type: 'text', id, text, toolText: false }),
      });
      stopReason = result.metadata.stopReason;
      for (const call of result.functionCalls ?? []) {
        calls.push({ name: call.functionName, arguments: JSON.stringify(call.params ?? {}) });
      }
    }
    post({
      type: 'done',
      id,
      completionTokens: sequence.tokenMeter.usedOutputTokens - outputBefore,
      stopReason: finishReason(stopReason),
      calls,
    });
  } catch (error) {
    if (controller.signal.aborted) return;
    post({ type: 'failed', id, code: 'generation_failed', message: (error as Error).message });
  } finally {
    chat.dispose({ disposeSequence: false });
    aborts.delete(id);
  }
}

function pump(loaded: Loaded): void {
  while (loaded.free.length > 0 && queue.length > 0) {
    const next = queue.shift()!;
    if (!aborts.has(next.id)) continue;
    const sequence = loaded.free.pop()!;
    void generate(loaded, sequence, next.id, next.job).finally(() => {
      loaded.free.push(sequence);
      pump(loaded);
    });
  }
}

const ready = load();
ready.then(
  (loaded) => post({ type: 'ready', contextSize: loaded.context.contextSize }),
  (error: Error) => post({ type: 'load_failed', message: error.message }),
);

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'generate':
      aborts.set(message.id, new AbortController());
      queue.push({ id: message.id, job: message.job });
      void ready.then(pump, () => undefined);
      return;
    case 'abort':
      aborts.get(message.id)?.abort();
      aborts.delete(message.id);
      return;
    case 'close':
      void ready
        .then(async (loaded) => {
          await loaded.context.dispose();
          await loaded.model.dispose();
          await loaded.llama.dispose();
        })
        .catch(() => undefined)
        .finally(() => port.close());
      return;
  }
});
