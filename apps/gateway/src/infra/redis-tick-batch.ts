import type { ChainableCommander, Redis } from 'ioredis';

interface Waiter {
  readonly resolve: (reply: unknown) => void;
  readonly reject: (error: unknown) => void;
}

interface Group {
  readonly pipeline: ChainableCommander;
  readonly waiters: Waiter[];
}

/**
 * The Redis commands of one event-loop turn, sent as one pipeline (one socket write) instead of one write
 * each: under load, the requests admitted and ended in the same turn (every I/O callback of one poll
 * phase) share a write, and Redis reads them in one go. It carries the request-end writes (settle and usage,
 * `PendingWrites`) and the admissions (`QuotaRepository.reserve`), so a turn's Redis work is one write.
 *
 * A command added here is written at the end of the current turn (`setImmediate`), not at once: a request
 * that awaits its reply (an admission) waits for the rest of the turn's callbacks first, which on an idle
 * gateway is nothing and under load is the batching itself. Each command keeps its own timeout
 * (`redis.commandTimeoutMs`, set when the pipeline writes it) and fails on its own, and a flushed batch
 * never waits for an earlier one's replies: unlike ioredis' `enableAutoPipelining`, which holds a turn's
 * commands until the previous auto-pipeline is answered, a frozen Redis costs each command one timeout,
 * not two.
 *
 * On a Redis Cluster (`bySlot`), a pipeline must stay in one hash slot: commands are grouped by the hash
 * tag their keys share (`{t:<tenant>}`), one pipeline per tag and turn. Elsewhere a turn is one pipeline.
 */
export class RedisTickBatch {
  private readonly groups = new Map<string, Group>();
  private scheduled = false;

  constructor(
    private readonly redis: Redis,
    private readonly bySlot: boolean,
  ) {}

  /**
   * Queues one command, which `queue` adds to the turn's pipeline (exactly one command, for the keys of
   * `tag`), and resolves with its reply or rejects with its own error.
   */
  add(tag: string, queue: (pipeline: ChainableCommander) => void): Promise<unknown> {
    const name = this.bySlot ? tag : '';
    let group = this.groups.get(name);
    if (!group) {
      group = { pipeline: this.redis.pipeline(), waiters: [] };
      this.groups.set(name, group);
    }
    const { waiters } = group;
    queue(group.pipeline);
    const reply = new Promise<unknown>((resolve, reject) => waiters.push({ resolve, reject }));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return reply;
  }

  /** Sends every pipeline of this turn now (also what `close` calls before waiting for the writes). */
  flush(): void {
    this.scheduled = false;
    const groups = [...this.groups.values()];
    this.groups.clear();
    for (const { pipeline, waiters } of groups) {
      pipeline.exec().then(
        (results) =>
          waiters.forEach((waiter, index) => {
            const [error, reply] = results?.[index] ?? [new Error('Redis pipeline returned no reply'), null];
            if (error) waiter.reject(error);
            else waiter.resolve(reply);
          }),
        (error: unknown) => waiters.forEach((waiter) => waiter.reject(error)),
      );
    }
  }
}
