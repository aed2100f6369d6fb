import type { ServerToolRun, ServerTools } from '@voxgate/conversation';
import { randomId } from '@voxgate/realtime';

/** A realtime function tool (spec `RealtimeFunctionTool`): flat, unlike chat's `{ function: {…} }`. */
export interface RealtimeFunctionTool {
  readonly type: 'function';
  readonly name: string;
  readonly description?: string;
  readonly parameters?: Record<string, unknown>;
}

/** A server tool call the provider made, waiting for its `response.done` to be run. */
export interface PendingServerCall {
  readonly callId: string;
  readonly name: string;
  readonly arguments: string;
}

type Json = Record<string, unknown>;

/**
 * The tenant's server tools in a pass-through session: their definitions are added to every tool list
 * sent upstream (`session.update`, `response.create`), and the calls the provider makes to them are
 * hidden from the client and run by the gateway. Hidden: the `function_call` items of server tools and
 * every event about them (`response.output_item.*`, `conversation.item.*`,
 * `response.function_call_arguments.*`), the `function_call_output` items the gateway creates, the
 * server tools in `session.created|updated`'s `tools`, and their items in `response.done`'s `output`.
 * The client sees the response that made the call end (its `output` without it) and, once the gateway
 * sent the results and `response.create`, the next response that uses them.
 */
export class ServerToolRelay {
  private readonly names: ReadonlySet<string>;
  /** Ids of items the client never sees (server calls, the gateway's outputs). */
  private readonly hiddenItems = new Set<string>();
  /** Server calls per response id, in output order, until its `response.done`. */
  private readonly pending = new Map<string, PendingServerCall[]>();

  constructor(private readonly tools: ServerTools | undefined) {
    this.names = new Set(tools?.definitions.map((tool) => tool.function.name) ?? []);
  }

  get active(): boolean {
    return this.names.size > 0;
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  /** The server tools in the realtime shape. */
  definitions(): RealtimeFunctionTool[] {
    return (this.tools?.definitions ?? []).map(({ function: fn }) => ({
      type: 'function',
      name: fn.name,
      ...(fn.description !== undefined ? { description: fn.description } : {}),
      ...(fn.parameters !== undefined ? { parameters: fn.parameters } : {}),
    }));
  }

  /** The client's tool list plus the server tools, for upstream. */
  withServerTools(tools: readonly unknown[]): unknown[] {
    return [...tools, ...this.definitions()];
  }

  /** A session object as the client sees it: without the server tools. */
  clientSession(session: Json): Json {
    if (!Array.isArray(session.tools)) return session;
    return { ...session, tools: session.tools.filter((tool) => !this.has(String((tool as Json).name))) };
  }

  /**
   * Whether an upstream event is about a hidden item (and so is not forwarded); records the server calls
   * a response makes. `response.done` is never hidden: use `clientResponse` on it.
   */
  hides(event: Json): boolean {
    const item = event.item as Json | undefined;
    switch (event.type) {
      case 'response.output_item.added':
      case 'response.output_item.done':
      case 'conversation.item.added':
      case 'conversation.item.done':
      case 'conversation.item.created':
      case 'conversation.item.retrieved':
        if (!item) return false;
        if (item.type === 'function_call' && this.has(String(item.name))) {
          this.hiddenItems.add(String(item.id));
          if (event.type === 'response.output_item.done' && typeof event.response_id === 'string') {
            const calls = this.pending.get(event.response_id) ?? [];
            calls.push({ callId: String(item.call_id), name: String(item.name), arguments: String(item.arguments) });
            this.pending.set(event.response_id, calls);
          }
          return true;
        }
        return this.hiddenItems.has(String(item.id));
      case 'response.function_call_arguments.delta':
      case 'response.function_call_arguments.done':
        return this.hiddenItems.has(String(event.item_id));
      case 'conversation.item.deleted':
      case 'conversation.item.truncated':
        return this.hiddenItems.has(String(event.item_id));
      default:
        return false;
    }
  }

  /** The server calls of a finished response (forgotten here), and its `response` as the client sees it. */
  finish(response: Json): { calls: PendingServerCall[]; clientCalls: boolean; response: Json } {
    const id = String(response.id);
    const calls = this.pending.get(id) ?? [];
    this.pending.delete(id);
    const output = Array.isArray(response.output) ? (response.output as Json[]) : [];
    const visible = output.filter((item) => !this.hiddenItems.has(String(item.id)));
    return {
      calls,
      clientCalls: visible.some((item) => item.type === 'function_call'),
      response: output.length === visible.length ? response : { ...response, output: visible },
    };
  }

  /**
   * Runs the calls (the tools library validates, times out and de-duplicates; it never throws) and
   * returns the upstream events carrying their results: one `conversation.item.create` with a
   * `function_call_output` per call (its item hidden from the client).
   */
  async run(calls: readonly PendingServerCall[]): Promise<{ events: Json[]; runs: ServerToolRun[] }> {
    if (!this.tools || calls.length === 0) return { events: [], runs: [] };
    const runs = await this.tools.execute(
      calls.map((call) => ({ id: call.callId, name: call.name, arguments: call.arguments })),
    );
    const events = runs.map((run) => {
      const itemId = randomId('item');
      this.hiddenItems.add(itemId);
      return {
        type: 'conversation.item.create',
        item: { id: itemId, type: 'function_call_output', call_id: run.toolCallId, output: run.content },
      };
    });
    return { events, runs };
  }
}
