import type { TurnPipeline } from '@voxgate/tenancy';
import type { ChainableCommander, Redis } from 'ioredis';

interface Waiter {
  readonly resolve: (reply: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** What `add` is given: puts exactly one command on the commander it is passed (see `TurnPipeline`). */
type QueueCommand = Parameters<TurnPipeline['add']>[1];

interface Group {
  readonly queued: QueueCommand[];
  readonly waiters: Waiter[];
}

/**
 * The Redis commands of one event-loop turn, sent as one socket write instead of one write each: under
 * load, the requests admitted and ended in the same turn (every I/O callback of one poll phase) share a
 * write, and Redis reads them in one go. On one connection they are plain commands written while the
 * socket is corked; on a cluster, an ioredis pipeline per hash slot. It carries the request-end writes (settle and usage,
 * `PendingWrites`) and the admissions (`QuotaRepository.reserve`), so a turn's Redis work is one write.
 * A command alone in its turn (a quiet gateway, one request at a time) is sent as a plain command there
 * too. An ioredis pipeline costs about as much client CPU again as its commands (building it, `exec`, its
 * result arrays), which is why it is kept to the cluster, where one pipeline per slot is what makes a
 * turn's commands for a node one write.
 *
 * A command added here is written at the end of the current turn (`setImmediate`), not at once: a request
 * that awaits its reply (an admission) waits for the rest of the turn's callbacks first, which on an idle
 * gateway is nothing and under load is the batching itself. Each command keeps its own timeout
 * (`redis.commandTimeoutMs`, set when it is written) and fails on its own, and a flushed batch
 * never waits for an earlier one's replies: unlike ioredis' `enableAutoPipelining`, which holds a turn's
 * commands until the previous auto-pipeline is answered, a frozen Redis costs each command one timeout,
 * not two.
 *
 * On a Redis Cluster (`bySlot`), a pipeline must stay in one hash slot: commands are grouped by the hash
 * tag their keys share (`{t:<tenant>}`), one pipeline per tag and turn. Elsewhere a turn is one corked write.
 */
export class RedisTickBatch implements TurnPipeline {
  private readonly groups = new Map<string, Group>();
  private scheduled = false;

  constructor(
    private readonly redis: Redis,
    private readonly bySlot: boolean,
  ) {}

  /**
   * Queues one command, which `queue` adds to the turn's pipeline or sends alone (exactly one command, for
   * the keys of `tag`), and resolves with its reply or rejects with its own error.
   */
  add(tag: string, queue: QueueCommand): Promise<unknown> {
    const name = this.bySlot ? tag : '';
    let group = this.groups.get(name);
    if (!group) {
      group = { queued: [], waiters: [] };
      this.groups.set(name, group);
    }
    const { queued, waiters } = group;
    queued.push(queue);
    const reply = new Promise<unknown>((resolve, reject) => waiters.push({ resolve, reject }));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return reply;
  }

  /** Sends every command of this turn now (also what `close` calls before waiting for the writes). */
  flush(): void {
    this.scheduled = false;
    const groups = [...this.groups.values()];
    this.groups.clear();
    for (const { queued, waiters } of groups) {
      if (queued.length === 1) this.sendAlone(queued[0]!, waiters[0]!);
      else if (this.bySlot) this.sendPipeline(queued, waiters);
      else this.sendCorked(queued, waiters);
    }
  }

  /**
   * One connection (not a cluster): the commands sent as plain commands with the socket corked, so they
   * leave in one write as a pipeline's would, without the pipeline's own work per command.
   */
  private sendCorked(queued: readonly QueueCommand[], waiters: readonly Waiter[]): void {
    const socket = (this.redis as Partial<Pick<Redis, 'stream'>>).stream;
    if (typeof socket?.cork !== 'function') {
      this.sendPipeline(queued, waiters);
      return;
    }
    socket.cork();
    try {
      queued.forEach((queue, index) => this.sendAlone(queue, waiters[index]!));
    } finally {
      socket.uncork();
    }
  }

  private sendAlone(queue: QueueCommand, waiter: Waiter): void {
    try {
      // The client has the pipeline's command methods; there they return the reply's promise.
      Promise.resolve(queue(this.redis as unknown as ChainableCommander)).then(waiter.resolve, waiter.reject);
    } catch (error) {
      waiter.reject(error);
    }
  }

  private sendPipeline(queued: readonly QueueCommand[], waiters: readonly Waiter[]): void {
    const pipeline = this.redis.pipeline();
    // The waiters of the commands that were queued, in pipeline order (one that threw queued nothing).
    const sent: Waiter[] = [];
    queued.forEach((queue, index) => {
      try {
        queue(pipeline);
        sent.push(waiters[index]!);
      } catch (error) {
        waiters[index]!.reject(error);
      }
    });
    if (sent.length === 0) return;
    pipeline.exec().then(
      (results) =>
        sent.forEach((waiter, index) => {
          const [error, reply] = results?.[index] ?? [new Error('Redis pipeline returned no reply'), null];
          if (error) waiter.reject(error);
          else waiter.resolve(reply);
        }),
      (error: unknown) => sent.forEach((waiter) => waiter.reject(error)),
    );
  }
}
