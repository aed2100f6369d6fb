import type { Redis } from 'ioredis';
import { keySlot } from './key-slot';

/** What the guard remembers of a command it refused. */
export interface CrossSlotViolation {
  /** `multi-key command`, `pipeline` (MULTI/EXEC or a plain pipeline) or `script` (EVAL/EVALSHA). */
  readonly kind: 'multi-key command' | 'pipeline' | 'script';
  readonly command: string;
  /** The keys (with the key prefix) and their slots. */
  readonly keys: readonly { key: string; slot: number }[];
}

/**
 * Makes a single-server ioredis client behave like a Redis Cluster client about hash slots, so the
 * repository specs, which run against one Redis, fail where a cluster would:
 *
 * - a command whose keys are in several slots (`DEL a b`, `MGET`, a Lua script's KEYS) is rejected with
 *   `CROSSSLOT`, as the cluster rejects it;
 * - the commands of one MULTI/EXEC or pipeline must all be in one slot. That is stricter than ioredis'
 *   cluster pipelines (same node) on purpose: which slots share a node changes with resharding.
 *
 * A command sent on its own is failed before it is written. A pipelined one is sent anyway (failing one
 * command of a pipeline would stall the rest of it) and only recorded; `assertNoViolations()` throws for
 * what was recorded, and `createTestRedis` calls it when the test cleans up.
 */
export interface SlotGuard {
  readonly violations: readonly CrossSlotViolation[];
  /** Throws a `CROSSSLOT` error listing every violation so far. */
  assertNoViolations(): void;
}

export function guardSlots(redis: Redis): SlotGuard {
  const violations: CrossSlotViolation[] = [];
  const batches = new WeakMap<object, { slot: number; key: string }>();
  const send = redis.sendCommand.bind(redis);
  type Sent = Parameters<Redis['sendCommand']>;
  redis.sendCommand = (command: Sent[0], stream?: Sent[1]) => {
    const keys = command.getKeys().map((key) => {
      const name = typeof key === 'string' ? key : key.toString();
      return { key: name, slot: keySlot(key) };
    });
    const first = keys[0];
    const name = command.name.toLowerCase();
    const kind = name === 'evalsha' || name === 'eval' ? 'script' : 'multi-key command';
    let violation: CrossSlotViolation | null = null;
    if (first && keys.some((key) => key.slot !== first.slot)) violation = { kind, command: name, keys };
    // Pipelined commands (MULTI/EXEC included) arrive with the batch's stream object: one slot per batch.
    if (!violation && first && stream) {
      const batch = batches.get(stream);
      if (!batch) batches.set(stream, first);
      else if (batch.slot !== first.slot)
        violation = { kind: 'pipeline', command: name, keys: [{ key: batch.key, slot: batch.slot }, ...keys] };
    }
    if (!violation) return send(command, stream);
    violations.push(violation);
    if (stream) return send(command, stream);
    command.reject(new Error(describe(violation)));
    return command.promise;
  };
  return {
    violations,
    assertNoViolations: () => {
      if (violations.length > 0) throw new Error(violations.map(describe).join('\n'));
    },
  };
}

function describe(violation: CrossSlotViolation): string {
  const listed = violation.keys.map((key) => `${key.key} (slot ${key.slot})`).join(', ');
  return `CROSSSLOT: ${violation.kind} ${violation.command} spans several hash slots: ${listed}`;
}
