import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { type ChatCompletionChunk, type ChatCompletionRequest, Errors, GatewayError } from '@voxgate/openai-wire';
import type { LocalTextModel } from '@voxgate/providers';
import { toGenerateJob } from './request.mapper';
import type { LlamaWorkerData, ToMain, ToWorker } from './worker/llama.protocol';
import { llamaWorkerScript } from './worker/worker-script';

/** Settings of one in-process GGUF model (from the `textModel: { type: gguf }` config). */
export interface GgufTextModelOptions {
  /** A local GGUF file (what `npm run models:pull` stored). */
  modelPath: string;
  /** Tokens of context shared by prompt and answer, per parallel sequence. Default 4096. */
  contextSize?: number;
  /** CPU threads for generation. Default 1: on small machines more threads fight the event loop for cores. */
  threads?: number;
  /** Completions run at once (context sequences); more wait their turn. Default 1. */
  parallel?: number;
  /** `model` written in the chunks; default the request's `model`. */
  modelName?: string;
  /** Provider id in operator-facing error diagnostics. Default `local`. */
  provider?: string;
  /** The command that fetches the model (`npm run models:pull <uri>`), named in load failures' diagnostics. */
  pullHint?: string;
  /** Clock for `created`, seconds. */
  now?: () => number;
}

const abortError = (): Error => Object.assign(new Error('The completion was aborted.'), { name: 'AbortError' });

type RequestEvent = Exclude<ToMain, { type: 'ready' } | { type: 'load_failed' }>;

/** Per-request inbox: worker events pushed as they arrive, pulled by the generator. */
class Inbox {
  private readonly items: RequestEvent[] = [];
  private waiter: ((event: RequestEvent) => void) | undefined;

  push(event: RequestEvent): void {
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter(event);
    } else this.items.push(event);
  }
  next(): Promise<RequestEvent> {
    const item = this.items.shift();
    if (item) return Promise.resolve(item);
    return new Promise((resolve) => (this.waiter = resolve));
  }
}

/**
 * `LocalTextModel` over an in-process GGUF model through node-llama-cpp (llama.cpp's prebuilt CPU binary
 * from npm, nothing built or downloaded at run time). The model loads once, lazily, in one worker thread
 * that every request shares; the main thread only exchanges small messages with it, so generation never
 * blocks the event loop. Usage is exact: prompt tokens are the rendered chat template tokenized by the
 * model's own tokenizer, completion tokens those the sequence generated.
 *
 * Tools: with `tool_choice` auto the model may call through node-llama-cpp's function calling (the
 * call's parameters grammar-constrained once started); with `required`, a named function or
 * `allowed_tools` in `required` mode the whole answer is grammar-constrained to one call, so its arguments
 * are JSON matching the tool's parameters (within `toGrammarSchema`'s subset). Calls are emitted as
 * `tool_calls` deltas, `finish_reason: tool_calls`.
 *
 * Errors: bad input is a 400 before anything runs; a model that cannot load a 503
 * (`provider_not_configured`, the reason in `diagnostics`); a worker that dies fails its requests with a
 * 500 and the next request starts a new one. An aborted request ends at once with an `AbortError` and its
 * sequence is freed as soon as llama.cpp returns from the token it was on.
 */
export class GgufTextModel implements LocalTextModel {
  private worker: Worker | undefined;
  private ready: Promise<Worker> | undefined;
  private readonly inboxes = new Map<number, Inbox>();
  private nextId = 1;

  constructor(private readonly options: GgufTextModelOptions) {}

  /** Starts the worker and loads the model now instead of on the first request. */
  async load(): Promise<void> {
    await this.start();
  }

  async *stream(request: ChatCompletionRequest, signal: AbortSignal): AsyncIterable<ChatCompletionChunk> {
    const job = toGenerateJob(request);
    if (signal.aborted) throw abortError();
    const worker = await this.start();
    if (signal.aborted) throw abortError();
    const id = this.nextId++;
    const inbox = new Inbox();
    this.inboxes.set(id, inbox);
    const send = (message: ToWorker): void => worker.postMessage(message);
    let aborted: (() => void) | undefined;
    const abortedPromise = new Promise<'aborted'>((resolve) => (aborted = () => resolve('aborted')));
    const onAbort = (): void => {
      send({ type: 'abort', id });
      aborted?.();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    send({ type: 'generate', id, job });

    const base = {
      id: `chatcmpl-${randomUUID().replace(/-/g, '')}`,
      object: 'chat.completion.chunk' as const,
      created: Math.floor(this.options.now?.() ?? Date.now() / 1000),
      model: this.options.modelName ?? request.model,
    };
    const chunk = (delta: ChatCompletionChunk['choices'][number]['delta']): ChatCompletionChunk => ({
      ...base,
      choices: [{ index: 0, delta, finish_reason: null }],
    });
    const forced = job.tools.kind === 'forced' ? job.tools : undefined;
    const callId = (): string => `call_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
    let promptTokens = 0;
    let forcedText = '';
    let done = false;
    try {
      for (;;) {
        const event = await Promise.race([inbox.next(), abortedPromise]);
        if (event === 'aborted') throw abortError();
        switch (event.type) {
          case 'started':
            promptTokens = event.promptTokens;
            yield chunk({ role: 'assistant', content: forced ? null : '' });
            if (forced?.functionName) {
              yield chunk({
                tool_calls: [
                  { index: 0, id: callId(), type: 'function', function: { name: forced.functionName, arguments: '' } },
                ],
              });
            }
            break;
          case 'text':
            if (!event.toolText) {
              if (event.text !== '') yield chunk({ content: event.text });
            } else if (forced?.functionName) {
              if (event.text !== '') yield chunk({ tool_calls: [{ index: 0, function: { arguments: event.text } }] });
            } else forcedText += event.text;
            break;
          case 'failed':
            throw this.failure(event);
          case 'done': {
            const calls = [...event.calls];
            if (forced && !forced.functionName && event.stopReason !== 'length') {
              const choice = JSON.parse(forcedText) as { name: string; arguments: unknown };
              calls.push({ name: choice.name, arguments: JSON.stringify(choice.arguments) });
            }
            for (const [index, call] of calls.entries()) {
              yield chunk({
                tool_calls: [
                  { index, id: callId(), type: 'function', function: { name: call.name, arguments: call.arguments } },
                ],
              });
            }
            const toolCalls = calls.length > 0 || (forced?.functionName !== undefined && event.stopReason !== 'length');
            const finish = event.stopReason === 'length' ? 'length' : toolCalls ? 'tool_calls' : 'stop';
            yield { ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }] };
            done = true;
            yield {
              ...base,
              choices: [],
              usage: {
                prompt_tokens: promptTokens,
                completion_tokens: event.completionTokens,
                total_tokens: promptTokens + event.completionTokens,
              },
            };
            return;
          }
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.inboxes.delete(id);
      // A consumer that stops reading early (break, return) frees the sequence too.
      if (!done && !signal.aborted) send({ type: 'abort', id });
    }
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'close' } satisfies ToWorker);
    const timer = setTimeout(() => void worker.terminate(), 5_000);
    await exited;
    clearTimeout(timer);
  }

  private failure(event: Extract<ToMain, { type: 'failed' }>): GatewayError {
    if (event.code === 'context_length_exceeded') {
      return Errors.invalidRequest(event.message, 'messages', 'context_length_exceeded');
    }
    if (event.code === 'bad_grammar') {
      return Errors.invalidRequest(
        `The tool parameters schema could not be compiled into a grammar: ${event.message}`,
        'tools',
        'unsupported_tool_schema',
      );
    }
    return Errors.internal().withDiagnostics({ provider: this.options.provider ?? 'local', reason: event.message });
  }

  private start(): Promise<Worker> {
    this.ready ??= this.spawn().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private spawn(): Promise<Worker> {
    const data: LlamaWorkerData = {
      modelPath: this.options.modelPath,
      contextSize: this.options.contextSize ?? 4096,
      threads: this.options.threads ?? 1,
      parallel: this.options.parallel ?? 1,
    };
    const script = llamaWorkerScript();
    const worker =
      'file' in script
        ? new Worker(script.file, { workerData: data })
        : new Worker(script.code, { eval: true, workerData: data });
    const provider = this.options.provider ?? 'local';
    return new Promise<Worker>((resolve, reject) => {
      let settled = false;
      worker.on('message', (message: ToMain) => {
        if (message.type === 'ready') {
          settled = true;
          this.worker = worker;
          resolve(worker);
        } else if (message.type === 'load_failed') {
          settled = true;
          void worker.terminate();
          reject(
            Errors.providerNotConfigured(provider, 'its GGUF text model could not be loaded').withDiagnostics({
              provider,
              model_path: this.options.modelPath,
              reason: message.message,
              ...(this.options.pullHint ? { fix: this.options.pullHint } : {}),
            }),
          );
        } else this.inboxes.get(message.id)?.push(message);
      });
      const crashed = (reason: string): void => {
        if (this.worker === worker) {
          this.worker = undefined;
          this.ready = undefined;
        }
        for (const [id, inbox] of this.inboxes) {
          inbox.push({ type: 'failed', id, code: 'generation_failed', message: reason });
        }
        if (!settled) {
          settled = true;
          reject(Errors.internal().withDiagnostics({ provider, reason }));
        }
      };
      worker.on('error', (error) => crashed(`llama worker failed: ${error.message}`));
      worker.on('exit', (code) => crashed(`llama worker exited with code ${code}`));
    });
  }
}
