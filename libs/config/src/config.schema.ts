import { z } from 'zod';
import { ModelConfigSchema } from './model-config.schema';
import { ProviderConfigSchema } from './provider-config.schema';
import { corsOrigin, port, positiveInt } from './schema-primitives';

// The provider and model schemas live beside this file; they are part of this module's surface.
export * from './model-config.schema';
export * from './provider-config.schema';
export * from './text-model-config.schema';

export const GatewayConfigSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: port.default(8080),
      /**
       * Processes serving HTTP on this machine (ADR 0019). `1`: this one process, as always. N: a primary
       * process forks N workers (`node:cluster`) that share the port; each is a complete gateway (its own
       * Redis connections, caches, outbox file) and the primary only supervises them. `auto`: one worker
       * per available core (`os.availableParallelism()`). Env: `VOXGATE_WORKERS`.
       */
      workers: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(256)]).default(1),
      /** Largest request body accepted (base64 audio is ~1.33× its bytes). */
      bodyLimitBytes: positiveInt.default(25 * 1024 * 1024),
      /** Cap on how long a graceful shutdown waits for in-flight requests. */
      shutdownGraceMs: z.coerce.number().int().min(0).default(10_000),
      /**
       * A stream that has written nothing for this long gets an SSE comment (`: keep-alive`), so proxies
       * and clients do not time it out while the model thinks or server tools run. 0 disables it.
       */
      sseKeepAliveMs: z.coerce.number().int().min(0).default(10_000),
      /**
       * Serve the API reference without a key: `GET /openapi.json` (OpenAPI 3.1) and `GET /docs` (its viewer,
       * from this origin only). false: neither exists (404), e.g. on a gateway exposed to the internet.
       */
      docs: z.boolean().default(true),
      /**
       * Serve the voice playground without a key: `GET /playground` and its assets (a static page from this
       * origin only; every call it makes needs a key or a client secret pasted into it). false: 404.
       */
      playground: z.boolean().default(true),
      /**
       * Keep-alive comments never hide a dead upstream: a stream that made no progress (no event from the
       * pipeline, no write drained) for this long ends with an in-band `stream_timeout` error and its
       * upstream call is cancelled. Keep it above the providers' idle timeouts and server tools' timeouts,
       * which end a stall with a more precise error first. 0 disables it.
       */
      sseMaxSilenceMs: z.coerce.number().int().min(0).default(120_000),
      /**
       * Per client connection, the most unsent data the kernel may queue (`TCP_NOTSENT_LOWAT`, set on each
       * socket; Linux only). Past it writes push back, so a slow reader stops the provider after this much
       * instead of after the kernel's send-buffer maximum (4 MiB by default). It does not limit throughput
       * to a fast client (bytes in flight are not counted). 0: leave the kernel's setting.
       */
      tcpUnsentBytes: z.coerce
        .number()
        .int()
        .min(0)
        .max(64 * 1024 * 1024)
        .default(128 * 1024),
      /**
       * Every this many ms the gateway checks whether it went quiet after load (no request, stream or
       * WebSocket open during the window); then, in its first 3 quiet windows, it returns the native memory freed
       * by the load to the system (`malloc_trim`, glibc only), so RSS comes back near idle. 0 disables it.
       */
      idleTrimMs: z.coerce.number().int().min(0).default(10_000),
      /**
       * Browsers (ADR 0015). `origins`: the origins whose CORS preflights (`OPTIONS /v1/*`) are answered
       * and whose requests get `Access-Control-*` headers — a preflight carries no key, so this gateway-wide
       * list answers it; each actual request is then held to its tenant's own `cors_origins` (admin API).
       * Empty (the default): no browser page of another origin may call the gateway.
       */
      cors: z
        .strictObject({
          origins: z.array(corsOrigin).max(1000).default([]),
          /** How long a browser may cache a preflight answer (`Access-Control-Max-Age`). */
          maxAgeSeconds: z.coerce.number().int().min(0).max(86_400).default(600),
        })
        .prefault({}),
      /**
       * Serve HTTPS (and `wss://`) directly: PEM files read at start. Absent: plain HTTP (behind a
       * TLS-terminating proxy). `caFile`: extra CA certificates sent with the chain.
       */
      tls: z
        .strictObject({
          certFile: z.string().min(1),
          keyFile: z.string().min(1),
          caFile: z.string().min(1).optional(),
        })
        .optional(),
    })
    .prefault({}),
  redis: z
    .strictObject({
      /**
       * How Voxgate reaches Redis:
       * - `single`: one server at `url` (its user, password, database and `rediss://` TLS included);
       * - `cluster`: a Redis Cluster, discovered from the seed `nodes`;
       * - `sentinel`: the master that the `sentinels` report for the group `name`, followed across failovers.
       * Every multi-key script and transaction stays in one hash slot (`{t:<tenant>}` tags), so the same key
       * layout runs in all three modes.
       */
      mode: z.enum(['single', 'cluster', 'sentinel']).default('single'),
      /** `single` only: the server's URL (`redis://[user:password@]host:port[/db]`, `rediss://` for TLS). */
      url: z.string().min(1).default('redis://127.0.0.1:6379'),
      /**
       * `cluster` only: seed nodes, `redis://[user:password@]host:port` or `rediss://…` (TLS); the rest of
       * the cluster is discovered from them. Credentials and TLS of the first node apply to every node.
       */
      nodes: z
        .array(z.string().regex(/^rediss?:\/\/[^/\s]+$/, 'must be redis://[user:password@]host:port'))
        .default([]),
      /** `sentinel` only: the Sentinels to ask for the master, `host:port`. */
      sentinels: z.array(z.string().regex(/^[^\s:]+:\d+$/, 'must be host:port')).default([]),
      /** `sentinel` only: the master group name the Sentinels monitor (`sentinel monitor <name> …`). */
      name: z.string().default(''),
      /** ACL user and password of the data nodes (cluster nodes, or the master behind Sentinel); empty: from the URL, else none. */
      username: z.string().default(''),
      password: z.string().default(''),
      /** Password of the Sentinels themselves (`requirepass` on the Sentinel), if they have one. */
      sentinelPassword: z.string().default(''),
      /** TLS to the data nodes (a `rediss://` URL or node turns it on as well). */
      tls: z.boolean().default(false),
      /**
       * Every key Voxgate writes starts with this; several deployments can share one Redis. In `cluster`
       * mode it must not contain `{` or `}`: a hash tag in the prefix would put every key in one slot.
       */
      keyPrefix: z.string().min(1).default('voxgate:'),
      /**
       * A Redis command that has no answer after this long fails (the request gets a 503
       * `store_unavailable`), whether Redis refuses connections or is frozen. Commands are never queued
       * while the connection is down: they fail at once. Blocking BullMQ worker connections are exempt.
       */
      commandTimeoutMs: positiveInt.default(1_000),
      /**
       * Writes that could not be made when a request ended (usage events, quota settles, session turns)
       * are kept in process and written once Redis is back, each exactly once.
       */
      outbox: z
        .strictObject({
          /** Entries kept at most; beyond it the oldest is dropped (logged `outbox.dropped`, counted). */
          maxEntries: positiveInt.default(10_000),
          /**
           * Where pending entries are written at shutdown and read back (then written to Redis) at the
           * next start (`VOXGATE_OUTBOX_FILE`). Empty: not spilled, pending entries are lost at exit
           * (logged). Give each replica its own file.
           */
          file: z.string().default(''),
        })
        .prefault({}),
    })
    .prefault({}),
  admin: z
    .strictObject({
      /** Bootstrap admin key for `/admin/*`; empty disables the admin API. */
      key: z.string().default(''),
    })
    .prefault({}),
  auth: z
    .strictObject({
      /**
       * How long a replica may answer from its in-process cache of authenticated keys, at most 1000 ms: the
       * bound on a revoked key's use on a replica that missed the revocation message (revocations are
       * also broadcast over Redis pub/sub, which evicts at once). 0 reads Redis on every request.
       */
      keyCacheMs: z.coerce.number().int().min(0).max(1_000).default(1_000),
    })
    .prefault({}),
  quotas: z
    .strictObject({
      /** Decide and log refusals, but admit everything: for rolling out new limits safely. */
      dryRun: z.boolean().default(false),
      /** Lease of a concurrent-stream slot; renewed while the stream runs, freed when a replica dies. */
      streamLeaseMs: positiveInt.default(120_000),
      /** Output tokens reserved when a request sets neither max_completion_tokens nor max_tokens. */
      defaultOutputTokens: positiveInt.default(1_024),
      /**
       * A chat completion leaves for its provider while its admission script runs, when the key's last
       * admission on this replica left room for it (requests and tokens per minute): the answer, its first
       * byte and any server tool call still wait for the admission, and a refusal cancels the provider call
       * and answers the 429. Saves one Redis round trip per request; `false`: admit first, then call.
       */
      overlapAdmission: z.boolean().default(true),
    })
    .prefault({}),
  audio: z
    .strictObject({
      /** Longest client audio accepted per part, in seconds of playing time. */
      maxInputSeconds: positiveInt.default(600),
      /** Largest decoded size of one client audio part (mono 16-bit PCM), in bytes. */
      maxDecodedBytes: positiveInt.default(64 * 1024 * 1024),
    })
    .prefault({}),
  realtime: z
    .strictObject({
      vad: z
        .strictObject({
          /**
           * The detector behind `turn_detection` on bridged sessions: `silero` (default; the vendored Silero
           * VAD through sherpa-onnx-node, tells speech from noise) or `energy` (RMS level, no model). When
           * Silero cannot load, the gateway warns at boot and uses `energy`.
           */
          engine: z.enum(['silero', 'energy']).default('silero'),
          /**
           * Silero detectors the process may hold (about 9 MiB each; one per session while it talks).
           * Past it, a session that starts talking is judged by level (as `energy`) until one is free.
           */
          maxDetectors: positiveInt.default(64),
        })
        .prefault({}),
      /**
       * User audio one bridged turn's request carries, as WAV bytes (default 8 MiB, about 3 minutes at
       * 24 kHz): older user turns go as their transcript or a placeholder.
       */
      historyAudioBytes: positiveInt.default(8 * 1024 * 1024),
    })
    .prefault({}),
  sessions: z
    .strictObject({
      /** A session is forgotten this long after its last use. */
      ttlSeconds: positiveInt.default(86_400),
      /** Caps on stored history; the oldest turns are dropped beyond them. Audio is stored apart. */
      maxTurns: positiveInt.default(200),
      maxBytes: positiveInt.default(1_048_576),
      /** How long Voxgate keeps assistant audio (and its id mapping) after answering. */
      audioTtlSeconds: positiveInt.default(86_400),
      /** How long a session keeps the client's input audio; 0 keeps none (a placeholder remains). */
      inputAudioTtlSeconds: z.coerce.number().int().min(0).default(3_600),
    })
    .prefault({}),
  metering: z
    .strictObject({
      /** How long raw usage events and hourly aggregates are kept. */
      retentionDays: positiveInt.default(400),
    })
    .prefault({}),
  tools: z
    .strictObject({
      /**
       * Destinations HTTP and MCP tools may reach although they are private, loopback or link-local:
       * CIDRs (`10.0.0.0/8`, `::1/128`) or host names (`billing.internal`, or `.internal` for a whole
       * domain). Empty: only public addresses.
       */
      ssrfAllowList: z.array(z.string().min(1)).default([]),
      /**
       * HMAC key of payment confirmation tokens. Empty: a random key per process, so a token only works on
       * the replica that minted it and dies with it; multi-replica deployments must set it.
       */
      confirmationSecret: z.string().default(''),
      /** How long a payment confirmation token stays valid. */
      confirmationTtlMs: positiveInt.default(300_000),
      /** Timeout of a registered tool that names none. */
      defaultTimeoutMs: positiveInt.default(10_000),
      /** Largest timeout a tool may be registered with. */
      maxTimeoutMs: positiveInt.default(120_000),
      /** How long the tool list of an MCP server is cached per process. */
      mcpToolsCacheMs: z.coerce.number().int().min(0).default(60_000),
      /**
       * How long a replica may reuse a tenant's toolset (enabled tools, built) without reading Redis, at
       * most 1000 ms; registry changes also evict at once over pub/sub. 0 reads Redis on every request.
       */
      toolsetCacheMs: z.coerce.number().int().min(0).max(1_000).default(1_000),
      /** How long the idempotency ledger remembers a side-effecting call (replays within that window). */
      ledgerTtlMs: positiveInt.default(86_400_000),
      /** Largest response body read from an HTTP tool; a larger one is a tool error. */
      maxResponseBytes: positiveInt.default(1_048_576),
      /**
       * Budget of the server-side tool loop of one request. When any is spent the model is asked once
       * more without tools (`tool_choice: "none"`), so the client still gets an answer.
       */
      loop: z
        .strictObject({
          /** Rounds of model calls that execute server tools. */
          maxRounds: positiveInt.default(8),
          /** Wall time from the first model call; no new tool round starts after it. */
          maxWallMs: positiveInt.default(60_000),
          /** Total tokens (prompt + completion, summed over rounds); no new tool round starts past it. */
          maxTokens: positiveInt.default(200_000),
        })
        .prefault({}),
    })
    .prefault({}),
  batch: z
    .strictObject({
      /** Largest batch input file, in bytes. Files live in Redis, so the default (100 MiB) is half OpenAI's 200 MB. */
      maxFileBytes: positiveInt.default(100 * 1024 * 1024),
      /** Most requests in one input file (OpenAI: 50,000); more fails the batch with `too_many_tasks`. */
      maxLines: positiveInt.default(50_000),
      /** Lifetime of an uploaded batch input file unless the upload sets `expires_after` (30 days, as OpenAI). */
      inputFileTtlSeconds: positiveInt.default(2_592_000),
      /** Lifetime of output and error files unless the batch sets `output_expires_after`. */
      outputFileTtlSeconds: positiveInt.default(2_592_000),
      /** How long a finished batch stays readable through `GET /v1/batches`. */
      retentionSeconds: positiveInt.default(2_592_000),
      /** Lines of one batch running at the same time (lines of one session always run one by one). */
      lineConcurrency: positiveInt.default(4),
      /** Batches one worker process runs at the same time. */
      workerConcurrency: positiveInt.default(2),
      /** Longest single wait on a 429's retry-after before a line is tried again (429s never fail a line). */
      rateLimitMaxWaitMs: positiveInt.default(60_000),
      /** Retries of a line that got a 5xx, before its error is recorded. */
      serverErrorRetries: z.coerce.number().int().min(0).max(10).default(3),
      /** First backoff of those retries, doubled each time. */
      serverErrorBackoffMs: positiveInt.default(2_000),
      /** Run the batch worker inside the gateway process, so `npm start` alone processes batches. */
      runWorkerInGateway: z.boolean().default(true),
    })
    .prefault({}),
  telemetry: z
    .strictObject({
      /**
       * Where traces go: `none` (nothing is started; the tracing API stays a no-op), `otlp` (OTLP over
       * HTTP, JSON, to `otlpEndpoint`) or `console` (spans printed to stdout, for debugging).
       */
      exporter: z.enum(['none', 'otlp', 'console']).default('none'),
      /**
       * Collector base URL for `otlp` (`http://collector:4318`; `/v1/traces` is appended unless the path
       * already ends with it). Empty: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else
       * `OTEL_EXPORTER_OTLP_ENDPOINT`, else `http://localhost:4318/v1/traces`.
       */
      otlpEndpoint: z.string().default(''),
      /** Share of new traces recorded, 0..1; a client's `traceparent` decides for its own trace. */
      sampleRatio: z.coerce.number().min(0).max(1).default(1),
      /** `service.name` on every span. */
      serviceName: z.string().min(1).default('voxgate-gateway'),
    })
    .prefault({}),
  providers: z.record(
    z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'provider ids are lower-case slugs'),
    ProviderConfigSchema,
  ),
  models: z.array(ModelConfigSchema),
});
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;

/** A problem zod cannot see field by field: references between providers and models. */
export interface ConfigIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/**
 * Cross-field checks, run on the raw (interpolated) config even when other fields are invalid, so one
 * boot failure lists every problem: models naming unknown providers, and model names used twice.
 */
export function crossCheckConfig(raw: unknown): ConfigIssue[] {
  const config = (raw ?? {}) as { providers?: unknown; models?: unknown; redis?: unknown };
  const providers = config.providers && typeof config.providers === 'object' ? Object.keys(config.providers) : [];
  const models = Array.isArray(config.models) ? (config.models as unknown[]) : [];
  const issues: ConfigIssue[] = [];
  const seen = new Map<string, string>();
  models.forEach((entry, index) => {
    if (!entry || typeof entry !== 'object') return;
    const model = entry as { id?: unknown; aliases?: unknown; provider?: unknown; fallbacks?: unknown };
    const checkProvider = (provider: unknown, path: (string | number)[]) => {
      if (typeof provider === 'string' && !providers.includes(provider)) {
        issues.push({
          path,
          message: `unknown provider '${provider}' (configured: ${providers.join(', ') || 'none'})`,
        });
      }
    };
    checkProvider(model.provider, ['models', index, 'provider']);
    const offline = (model as { offline?: unknown }).offline;
    if (offline && typeof offline === 'object')
      checkProvider((offline as { provider?: unknown }).provider, ['models', index, 'offline', 'provider']);
    const fallbacks: unknown[] = Array.isArray(model.fallbacks) ? (model.fallbacks as unknown[]) : [];
    fallbacks.forEach((fallback, at) => {
      if (fallback && typeof fallback === 'object') {
        checkProvider((fallback as { provider?: unknown }).provider, ['models', index, 'fallbacks', at, 'provider']);
      }
    });
    issues.push(...textModelIssues((model as { textModel?: unknown }).textModel, config.providers, ['models', index]));
    const aliases: unknown[] = Array.isArray(model.aliases) ? (model.aliases as unknown[]) : [];
    for (const name of [model.id, ...aliases]) {
      if (typeof name !== 'string') continue;
      const owner = seen.get(name);
      if (owner !== undefined)
        issues.push({ path: ['models', index], message: `model name '${name}' is already used by '${owner}'` });
      seen.set(name, typeof model.id === 'string' ? model.id : '?');
    }
  });
  if (config.providers && typeof config.providers === 'object') {
    for (const [id, provider] of Object.entries(config.providers as Record<string, unknown>)) {
      const textModel =
        provider && typeof provider === 'object' ? (provider as { textModel?: unknown }).textModel : undefined;
      issues.push(...textModelIssues(textModel, config.providers, ['providers', id]));
    }
  }
  return [...issues, ...redisModeIssues(config.redis)];
}

/** A `textModel: { type: provider }` must name a `type: openai` provider (a local one would loop). */
function textModelIssues(raw: unknown, providers: unknown, at: (string | number)[]): ConfigIssue[] {
  if (!raw || typeof raw !== 'object') return [];
  const textModel = raw as { type?: unknown; provider?: unknown };
  if (textModel.type !== 'provider' || typeof textModel.provider !== 'string') return [];
  const target = (providers as Record<string, { type?: unknown } | undefined> | undefined)?.[textModel.provider];
  if (target && typeof target === 'object' && target.type === 'openai') return [];
  return [
    {
      path: [...at, 'textModel', 'provider'],
      message: target
        ? `textModel provider '${textModel.provider}' must be a type: openai provider`
        : `unknown provider '${textModel.provider}'`,
    },
  ];
}

/** What each `redis.mode` needs beside it: nodes for a cluster, sentinels and a name for Sentinel. */
function redisModeIssues(raw: unknown): ConfigIssue[] {
  if (!raw || typeof raw !== 'object') return [];
  const redis = raw as { mode?: unknown; nodes?: unknown; sentinels?: unknown; name?: unknown; keyPrefix?: unknown };
  const empty = (value: unknown) => !Array.isArray(value) || value.length === 0;
  const issues: ConfigIssue[] = [];
  if (redis.mode === 'cluster') {
    if (empty(redis.nodes))
      issues.push({
        path: ['redis', 'nodes'],
        message: 'redis.mode cluster needs at least one node (redis://host:port)',
      });
    if (typeof redis.keyPrefix === 'string' && /[{}]/.test(redis.keyPrefix))
      issues.push({
        path: ['redis', 'keyPrefix'],
        message: 'must not contain { or } in cluster mode (a hash tag in the prefix puts every key in one slot)',
      });
  }
  if (redis.mode === 'sentinel') {
    if (empty(redis.sentinels))
      issues.push({
        path: ['redis', 'sentinels'],
        message: 'redis.mode sentinel needs at least one sentinel (host:port)',
      });
    if (typeof redis.name !== 'string' || redis.name === '')
      issues.push({ path: ['redis', 'name'], message: 'redis.mode sentinel needs the master group name' });
  }
  return issues;
}
