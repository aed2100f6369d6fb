import { createHash } from 'node:crypto';
import { type Cluster, Command, type Redis } from 'ioredis';

/** Where a script call is sent: its client, or a pipeline of that client (`client.pipeline()`). */
export interface ScriptHost {
  sendCommand(command: Command): unknown;
}

/**
 * A Lua script with a fixed number of KEYS, run with EVALSHA on one client (a `Redis` or a `Cluster`) and
 * its pipelines: what `client.defineCommand` gives, for the scripts every request runs.
 *
 * Why not `defineCommand`: ioredis handles a script call's arguments generically, and for a call of 25–35
 * arguments that costs about 8 µs of client CPU (measured in process against a local Redis: 24–26 µs per
 * call through `defineCommand`, 16–17 µs here): `Array.prototype.flat` over the arguments (about 80 ns
 * per argument in V8), the key prefix applied through the command table's key positions, a spread copy,
 * and the command's text built by concatenating five strings per argument. Here the arguments are
 * already flat strings, the prefix is added as the list is built, and the text is built once.
 *
 * The same behaviour on the wire and for callers as ioredis' scripts:
 * - KEYS get the client's `keyPrefix`, ARGV never; numbers are sent as their decimal text; bulk replies
 *   are decoded as UTF-8 text, integers are numbers;
 * - the first call on each connection sends EVAL with the body (which also loads it there), later calls
 *   EVALSHA; on a Cluster each node's connection is tracked alone;
 * - a NOSCRIPT reply (the server lost its scripts: `SCRIPT FLUSH`, a restart, a failover) marks the
 *   connection, and that call is sent again on the client as EVAL; its caller sees only the reply;
 * - each call is one ioredis `Command`: its own reply or error, its own `commandTimeout`, and on a
 *   Cluster its slot is its first key's (all keys of a script must share one, as for any script).
 */
export class LuaScript {
  /** SHA-1 of the body, as `SCRIPT LOAD` answers it. */
  readonly sha: string;
  private readonly prefix: string;
  private readonly ScriptCommand: new (args: string[]) => Command;

  /**
   * @param client the client whose `keyPrefix` the KEYS get; a call without a host is sent on it.
   * @param lua the script's body.
   * @param numberOfKeys how many of a call's leading arguments are KEYS.
   */
  constructor(
    private readonly client: Redis | Cluster,
    readonly lua: string,
    readonly numberOfKeys: number,
  ) {
    this.sha = createHash('sha1').update(lua).digest('hex');
    this.prefix = (client.options as { keyPrefix?: string }).keyPrefix ?? '';
    this.ScriptCommand = scriptCommandClass(lua, this.sha);
  }

  /**
   * Runs the script with `keys` (exactly `numberOfKeys`, without the prefix) and `args` on `host` (the
   * client, or one of its pipelines). Resolves with the script's reply, or rejects with its error; on a
   * pipeline the same reply is also at the call's index in `exec()`'s result.
   *
   * Throws, synchronously and having sent nothing, when `keys` has the wrong length: a caller filling a
   * pipeline (`TurnPipeline`) then knows nothing was queued, so the replies of the others keep their places.
   */
  run(keys: readonly string[], args: readonly (string | number)[], host: ScriptHost = this.client): Promise<unknown> {
    if (keys.length !== this.numberOfKeys) {
      throw new Error(`script takes ${this.numberOfKeys} keys, got ${keys.length}`);
    }
    const words = new Array<string>(2 + keys.length + args.length);
    words[0] = this.sha;
    words[1] = String(this.numberOfKeys);
    let at = 2;
    for (const key of keys) words[at++] = this.prefix + key;
    for (const arg of args) words[at++] = typeof arg === 'string' ? arg : String(arg);
    const command = new this.ScriptCommand(words);
    // Set before the command is handed over: a pipeline reads its result from this very promise.
    command.promise = command.promise.catch((error: unknown) => {
      if (!isNoScript(error)) throw error;
      const again = new this.ScriptCommand(words.slice());
      this.client.sendCommand(again);
      return again.promise;
    });
    host.sendCommand(command);
    return command.promise as Promise<unknown>;
  }
}

/** `commander` (a client or a pipeline, as a `TurnPipeline` passes it) as a place to send a script call. */
export function scriptHostOf(commander: object): ScriptHost {
  const host = commander as Partial<ScriptHost>;
  if (typeof host.sendCommand !== 'function') throw new TypeError('not a Redis client or pipeline');
  return host as ScriptHost;
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.includes('NOSCRIPT');
}

/**
 * The command class of one script: EVAL with the body on a connection it was not sent on yet, EVALSHA
 * after; written as one string. `args[0]` is the SHA (or the body, once sent as EVAL), `args[1]` the
 * number of keys, then the keys and arguments, all strings.
 */
function scriptCommandClass(lua: string, sha: string): new (args: string[]) => Command {
  /** The connections (sockets) this script was sent on; one forgets it on NOSCRIPT. */
  const loadedOn = new WeakSet<object>();
  return class ScriptCommand extends Command {
    constructor(args: string[]) {
      // ioredis' constructor copies its arguments with `flat()` and converts them; these need neither.
      // Replies as text, as the client's own command methods decode them (without it: Buffers).
      super('evalsha', [], { replyEncoding: 'utf8' });
      this.args = args;
    }

    override toWritable(socket: object): string {
      const reject = this.reject;
      this.reject = (error: Error) => {
        if (isNoScript(error)) loadedOn.delete(socket);
        reject.call(this, error);
      };
      if (!loadedOn.has(socket)) {
        loadedOn.add(socket);
        this.name = 'eval';
        this.args[0] = lua;
      } else if (this.name === 'eval') {
        // Written again (a reconnect, a cluster redirection) on a connection that has it by now.
        this.name = 'evalsha';
        this.args[0] = sha;
      }
      const args = this.args as string[];
      let text = `*${args.length + 1}\r\n$${this.name.length}\r\n${this.name}\r\n`;
      for (const arg of args) text += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
      return text;
    }
  };
}
