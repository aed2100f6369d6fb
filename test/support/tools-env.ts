import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeUpstream } from '@voxgate/testing';
import { type RelayEnv, useRelayEnv } from './e2e-env';
import type { GatewayProcess } from './gateway-process';

/** Tool settings of the e2e gateway: loopback (where the tests' tool servers listen) allow-listed, nothing else. */
export const LOOPBACK_ONLY = { ssrfAllowList: ['127.0.0.0/8', '::1/128'] };

export type ToolsEnv = RelayEnv;

/**
 * `useRelayEnv` with a `tools` config overlay (merged over `LOOPBACK_ONLY`). Each test also starts with an
 * empty upstream record and queue, and must consume every reply it scripted.
 */
export function useToolsEnv(tools: Record<string, unknown> = {}): () => ToolsEnv {
  const env = useRelayEnv({}, { tools: { ...LOOPBACK_ONLY, ...tools } });
  beforeEach(() => env().upstream.clear());
  afterEach(() => expect(env().upstream.pendingReplies).toBe(0));
  return env;
}

/** Registers a tool (expects 201) and enables it for the tenant (expects 200). */
export async function registerTool(
  gateway: GatewayProcess,
  tenantId: string,
  definition: Record<string, unknown>,
): Promise<void> {
  const created = await gateway.admin('POST', '/admin/tools', definition);
  if (created.status !== 201) throw new Error(`registering failed: ${created.status} ${JSON.stringify(created.body)}`);
  const enabled = await gateway.admin('PUT', `/admin/tenants/${tenantId}/tools/${String(definition.name)}`);
  if (enabled.status !== 200) throw new Error(`enabling failed: ${enabled.status} ${JSON.stringify(enabled.body)}`);
}

/** A chat request body as the fake upstream received it (the parts these tests read). */
export interface SentRequest {
  messages: { role: string; content?: unknown; tool_call_id?: string; tool_calls?: unknown[] }[];
  tools?: { type: string; function: { name: string; parameters?: unknown } }[];
  tool_choice?: unknown;
  parallel_tool_calls?: boolean;
}

export function sentRequests(upstream: FakeUpstream): SentRequest[] {
  return upstream.requests.map((request) => request.body as SentRequest);
}

/** The `tool` messages of a request the upstream received, contents parsed as JSON when they are. */
export function toolMessages(request: SentRequest | undefined): { tool_call_id: string; content: unknown }[] {
  return (request?.messages ?? [])
    .filter((message) => message.role === 'tool')
    .map((message) => ({ tool_call_id: message.tool_call_id ?? '', content: parseMaybe(message.content) }));
}

function parseMaybe(content: unknown): unknown {
  if (typeof content !== 'string') return content;
  try {
    return JSON.parse(content);
  } catch {
    return content;
  }
}

/** `voxgate.tool_runs` of a completion, the documented additive extension. */
export interface ToolRun {
  name: string;
  status: string;
  replayed: boolean;
  confirmation?: { token: string; expires_at: string; summary: Record<string, unknown> };
}

export function toolRunsOf(completion: unknown): ToolRun[] {
  return (completion as { voxgate?: { tool_runs: ToolRun[] } }).voxgate?.tool_runs ?? [];
}

/** What one request to a `ToolServer` looked like and how it ended. */
export interface ToolServerHit {
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** The caller closed the connection before the answer was sent. */
  aborted: boolean;
}

type Handler = (hit: ToolServerHit, response: ServerResponse) => void | Promise<void>;

/**
 * A remote HTTP tool on a loopback port: routes scripted per test, every request recorded, with how many
 * requests of a route were in flight at once (`maxInFlightOf`) and which ones the caller aborted.
 */
export class ToolServer {
  readonly hits: ToolServerHit[] = [];
  private readonly inFlight = new Map<string, number>();
  private readonly maxInFlight = new Map<string, number>();
  private readonly routes = new Map<string, Handler>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<ToolServer> {
    const server = createServer();
    const tools = new ToolServer(server);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => void tools.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return tools;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  route(path: string, handler: Handler): this {
    this.routes.set(path, handler);
    return this;
  }

  hitsOf(path: string): ToolServerHit[] {
    return this.hits.filter((hit) => hit.path === path);
  }

  /** The most requests to `path` in flight at the same time since the last `resetCounters()`. */
  maxInFlightOf(path: string): number {
    return this.maxInFlight.get(path) ?? 0;
  }

  resetCounters(): void {
    this.hits.length = 0;
    this.maxInFlight.clear();
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const hit: ToolServerHit = {
      path: url.pathname,
      headers: request.headers,
      body: text ? (JSON.parse(text) as unknown) : Object.fromEntries(url.searchParams),
      aborted: false,
    };
    this.hits.push(hit);
    const now = (this.inFlight.get(hit.path) ?? 0) + 1;
    this.inFlight.set(hit.path, now);
    this.maxInFlight.set(hit.path, Math.max(this.maxInFlightOf(hit.path), now));
    response.on('close', () => {
      this.inFlight.set(hit.path, (this.inFlight.get(hit.path) ?? 1) - 1);
      if (!response.writableFinished) hit.aborted = true;
    });
    const handler = this.routes.get(url.pathname);
    if (!handler) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no such route"}');
      return;
    }
    await handler(hit, response);
  }
}

/** Answers JSON after `delayMs` (0: at once). */
export function answerJson(status: number, body: unknown, delayMs = 0): Handler {
  return async (_hit, response) => {
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (response.destroyed) return;
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
}

/** Never answers: the caller has to give up (and close the connection). */
export const hang: Handler = () => undefined;

/** Polls until `condition` holds, or fails after `timeoutMs`. */
export async function eventually(condition: () => boolean, timeoutMs = 3_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
