import { Worker } from 'node:worker_threads';
import { LocalVoiceError, type LocalVoiceErrorWire } from '../local-voice.error';
import type { WorkerScript } from './worker-script';

/** Options of a `WorkerPool`. */
export interface WorkerPoolOptions {
  /** Worker threads at most (started on demand, replaced when one dies). */
  readonly size: number;
  /** The script every worker runs; it must answer each `{ id, job }` with the `WorkerReply` protocol. */
  readonly script: WorkerScript;
  /** `workerData` of every worker. */
  readonly workerData?: unknown;
}

/** Options of one `WorkerPool.run` call. */
export interface PoolRunOptions<Progress> {
  /** Rejects the call with `timeout` after this long (queue time included) and replaces a busy worker. */
  readonly timeoutMs: number;
  /** Rejects the call with `aborted` and replaces the worker if it was running the call. */
  readonly signal?: AbortSignal | undefined;
  /** Receives each progress message of the call. */
  readonly onProgress?: ((progress: Progress) => void) | undefined;
  /** Buffers moved to the worker instead of copied (the caller must not use them afterwards). */
  readonly transfer?: readonly ArrayBuffer[] | undefined;
}

interface Task<Job, Result, Progress> {
  readonly id: number;
  readonly job: Job;
  readonly options: PoolRunOptions<Progress>;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: LocalVoiceError) => void;
  slot?: Slot<Job, Result, Progress>;
}

interface Slot<Job, Result, Progress> {
  readonly worker: Worker;
  task?: Task<Job, Result, Progress> | undefined;
  retired: boolean;
}

type Reply<Result, Progress> =
  | { id: number; type: 'progress'; progress: Progress }
  | { id: number; type: 'done'; result: Result }
  | { id: number; type: 'error'; error: LocalVoiceErrorWire };

/**
 * A small pool of worker threads that run one job each at a time. Callers never wait on native code on the
 * main thread: a job is posted, and the call settles with the worker's reply, a `timeout`, an `aborted`
 * (caller's signal), or `worker_crashed`. A worker that timed out, was aborted mid-job or died is
 * terminated and replaced on demand; synchronous native code cannot be interrupted, so a terminated
 * thread may finish its current native call before it disappears, but its result is discarded.
 */
export class WorkerPool<Job, Result, Progress = never> {
  private readonly slots = new Set<Slot<Job, Result, Progress>>();
  private readonly queue: Array<Task<Job, Result, Progress>> = [];
  private nextId = 1;
  private closed = false;
  /** Workers replaced after a timeout, an abort or a crash (for tests and health). */
  replaced = 0;

  constructor(private readonly options: WorkerPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new LocalVoiceError('invalid_argument', `worker pool size must be a positive integer, got ${options.size}`);
    }
  }

  /** Runs `job` on the next free worker. Never rejects with anything but `LocalVoiceError`. */
  run(job: Job, options: PoolRunOptions<Progress>): Promise<Result> {
    if (this.closed) return Promise.reject(new LocalVoiceError('engine_unavailable', 'the local engines are shut down'));
    if (options.signal?.aborted) return Promise.reject(abortedError());
    return new Promise<Result>((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const task: Task<Job, Result, Progress> = {
        id: this.nextId++,
        job,
        options,
        resolve: (result) => {
          settle();
          resolve(result);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
      const onAbort = (): void => this.cancel(task, abortedError());
      const timer = setTimeout(
        () => this.cancel(task, new LocalVoiceError('timeout', `the local engine did not finish within ${options.timeoutMs} ms`)),
        options.timeoutMs,
      );
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(task);
      this.dispatch();
    });
  }

  /** Terminates every worker and rejects queued and running calls with `engine_unavailable`. */
  async close(): Promise<void> {
    this.closed = true;
    const shutdown = new LocalVoiceError('engine_unavailable', 'the local engines are shut down');
    for (const task of this.queue.splice(0)) task.reject(shutdown);
    await Promise.all(
      [...this.slots].map((slot) => {
        slot.task?.reject(shutdown);
        return this.retire(slot);
      }),
    );
  }

  /** Live worker threads and queued calls. */
  get stats(): { workers: number; busy: number; queued: number; replaced: number } {
    const busy = [...this.slots].filter((slot) => slot.task !== undefined).length;
    return { workers: this.slots.size, busy, queued: this.queue.length, replaced: this.replaced };
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = [...this.slots].find((candidate) => candidate.task === undefined) ?? this.spawn();
      if (slot === undefined) return;
      const task = this.queue.shift() as Task<Job, Result, Progress>;
      task.slot = slot;
      slot.task = task;
      slot.worker.ref();
      slot.worker.postMessage({ id: task.id, job: task.job }, [...(task.options.transfer ?? [])]);
    }
  }

  private spawn(): Slot<Job, Result, Progress> | undefined {
    if (this.closed || this.slots.size >= this.options.size) return undefined;
    const script = this.options.script;
    const worker =
      'file' in script
        ? new Worker(script.file, { workerData: this.options.workerData })
        : new Worker(script.code, { eval: true, workerData: this.options.workerData });
    const slot: Slot<Job, Result, Progress> = { worker, retired: false };
    worker.on('message', (reply: Reply<Result, Progress>) => this.onReply(slot, reply));
    // An uncaught error in the worker is followed by 'exit'; the call fails there.
    worker.on('error', () => undefined);
    worker.on('exit', () => this.onExit(slot));
    this.slots.add(slot);
    return slot;
  }

  private onReply(slot: Slot<Job, Result, Progress>, reply: Reply<Result, Progress>): void {
    const task = slot.task;
    if (task === undefined || task.id !== reply.id || slot.retired) return;
    if (reply.type === 'progress') {
      task.options.onProgress?.(reply.progress);
      return;
    }
    slot.task = undefined;
    slot.worker.unref();
    if (reply.type === 'done') task.resolve(reply.result);
    else task.reject(LocalVoiceError.fromWire(reply.error));
    this.dispatch();
  }

  private onExit(slot: Slot<Job, Result, Progress>): void {
    this.slots.delete(slot);
    if (slot.retired) return;
    slot.retired = true;
    this.replaced++;
    const task = slot.task;
    slot.task = undefined;
    task?.reject(new LocalVoiceError('worker_crashed', 'the local engine worker died during the call; it was replaced'));
    this.dispatch();
  }

  private cancel(task: Task<Job, Result, Progress>, error: LocalVoiceError): void {
    const queued = this.queue.indexOf(task);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      task.reject(error);
      return;
    }
    const slot = task.slot;
    if (slot === undefined || slot.task !== task) return;
    slot.task = undefined;
    task.reject(error);
    this.replaced++;
    void this.retire(slot);
    this.dispatch();
  }

  private async retire(slot: Slot<Job, Result, Progress>): Promise<void> {
    slot.retired = true;
    this.slots.delete(slot);
    await slot.worker.terminate();
  }
}

function abortedError(): LocalVoiceError {
  return new LocalVoiceError('aborted', 'the call was aborted');
}
