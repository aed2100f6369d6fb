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
  /** The caller was answered (timeout, abort, shutdown); the worker's late reply is discarded. */
  cancelled?: boolean;
}

interface Slot<Job, Result, Progress> {
  readonly worker: Worker;
  /** The job the thread is running (possibly a cancelled one it has not finished yet). */
  task?: Task<Job, Result, Progress> | undefined;
  /** Detached from the pool after a cancel: terminated as soon as its current job returns. */
  orphan: boolean;
  /** Resolves when the thread is between jobs or gone. */
  idle: Promise<void>;
  markIdle: () => void;
  retired: boolean;
}

type Reply<Result, Progress> =
  | { id: number; type: 'progress'; progress: Progress }
  | { id: number; type: 'done'; result: Result }
  | { id: number; type: 'error'; error: LocalVoiceErrorWire };

/** How long `close` waits for threads busy in native code before terminating them anyway. */
const CLOSE_GRACE_MS = 10_000;

/**
 * A small pool of worker threads that run one job each at a time. Callers never wait on native code on the
 * main thread: a job is posted, and the call settles with the worker's reply, a `timeout`, an `aborted`
 * (caller's signal), or `worker_crashed` (the thread died; the next call gets a new one).
 *
 * A thread is never terminated while it runs a job: synchronous native code cannot be interrupted, and
 * terminating a thread inside a koffi call aborts the whole process (measured: `napi_throw` fatal error).
 * So a timed-out or aborted call is answered at once, its thread is detached ("orphaned", at most `size` at
 * a time, beyond that it drains in place) and a fresh thread takes its place; the orphan is terminated as
 * soon as its native call returns, and its result is discarded. A native call that never returns leaks its
 * thread; no JavaScript can do better.
 */
export class WorkerPool<Job, Result, Progress = never> {
  private readonly slots = new Set<Slot<Job, Result, Progress>>();
  private readonly orphans = new Set<Slot<Job, Result, Progress>>();
  private readonly queue: Array<Task<Job, Result, Progress>> = [];
  private nextId = 1;
  private closed = false;
  /** Workers replaced after a timeout, an abort or a crash (for tests and health). */
  private replaced = 0;

  constructor(private readonly options: WorkerPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new LocalVoiceError('invalid_argument', `worker pool size must be a positive integer, got ${options.size}`);
    }
  }

  /** Runs `job` on the next free worker. Never rejects with anything but `LocalVoiceError`. */
  run(job: Job, options: PoolRunOptions<Progress>): Promise<Result> {
    if (this.closed) return Promise.reject(shutDownError());
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
        () =>
          this.cancel(
            task,
            new LocalVoiceError('timeout', `the local engine did not finish within ${options.timeoutMs} ms`),
          ),
        options.timeoutMs,
      );
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(task);
      this.dispatch();
    });
  }

  /**
   * Rejects queued and running calls with `engine_unavailable`, waits (up to 10 s) for threads that are
   * inside a native call to return, and terminates every thread.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(shutDownError());
    const all = [...this.slots, ...this.orphans];
    for (const slot of all) {
      if (slot.task !== undefined && slot.task.cancelled !== true) {
        slot.task.cancelled = true;
        slot.task.reject(shutDownError());
      }
    }
    await Promise.all(
      all.map(async (slot) => {
        let grace: NodeJS.Timeout | undefined;
        await Promise.race([slot.idle, new Promise((resolve) => (grace = setTimeout(resolve, CLOSE_GRACE_MS)))]);
        clearTimeout(grace);
        await this.retire(slot);
      }),
    );
  }

  /** Live worker threads (orphans not counted), busy ones, queued calls, replaced workers. */
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
      slot.idle = new Promise((resolve) => (slot.markIdle = resolve));
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
    worker.unref();
    const slot: Slot<Job, Result, Progress> = {
      worker,
      orphan: false,
      idle: Promise.resolve(),
      markIdle: () => undefined,
      retired: false,
    };
    worker.on('message', (reply: Reply<Result, Progress>) => this.onReply(slot, reply));
    // An uncaught error in the worker is followed by 'exit'; the call fails there.
    worker.on('error', () => undefined);
    worker.on('exit', () => this.onExit(slot));
    this.slots.add(slot);
    return slot;
  }

  private onReply(slot: Slot<Job, Result, Progress>, reply: Reply<Result, Progress>): void {
    const task = slot.task;
    if (task === undefined || task.id !== reply.id) return;
    if (reply.type === 'progress') {
      if (task.cancelled !== true) task.options.onProgress?.(reply.progress);
      return;
    }
    slot.task = undefined;
    slot.worker.unref();
    slot.markIdle();
    if (task.cancelled !== true) {
      if (reply.type === 'done') task.resolve(reply.result);
      else task.reject(LocalVoiceError.fromWire(reply.error));
    }
    if (slot.orphan || this.closed) void this.retire(slot);
    else this.dispatch();
  }

  private onExit(slot: Slot<Job, Result, Progress>): void {
    this.slots.delete(slot);
    this.orphans.delete(slot);
    slot.markIdle();
    const task = slot.task;
    slot.task = undefined;
    if (slot.retired) return;
    slot.retired = true;
    if (!slot.orphan) this.replaced++;
    if (task !== undefined && task.cancelled !== true) {
      task.reject(
        new LocalVoiceError('worker_crashed', 'the local engine worker died during the call; it was replaced'),
      );
    }
    this.dispatch();
  }

  private cancel(task: Task<Job, Result, Progress>, error: LocalVoiceError): void {
    if (task.cancelled === true) return;
    const queued = this.queue.indexOf(task);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      task.reject(error);
      return;
    }
    const slot = task.slot;
    if (slot === undefined || slot.task !== task) return;
    task.cancelled = true;
    task.reject(error);
    if (this.orphans.size < this.options.size) {
      slot.orphan = true;
      this.slots.delete(slot);
      this.orphans.add(slot);
      this.replaced++;
      this.dispatch();
    }
  }

  private async retire(slot: Slot<Job, Result, Progress>): Promise<void> {
    slot.retired = true;
    this.slots.delete(slot);
    this.orphans.delete(slot);
    await slot.worker.terminate();
  }
}

function shutDownError(): LocalVoiceError {
  return new LocalVoiceError('engine_unavailable', 'the local engines are shut down');
}

function abortedError(): LocalVoiceError {
  return new LocalVoiceError('aborted', 'the call was aborted');
}
