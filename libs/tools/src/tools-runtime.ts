import type { GatewayConfig } from '@voxgate/config';
import type { Redis } from 'ioredis';
import type { BuiltinCatalogue } from './builtin/builtin-catalogue';
import {
  AddBookingSlots,
  CancelBooking,
  GetBooking,
  ListBookingResources,
  ListBookingSlots,
  UpsertBookingResource,
} from './builtin/booking/booking-admin.usecase';
import { BookingRepository } from './builtin/booking/booking.repository';
import { createBookingOperations } from './builtin/booking/booking.tool';
import { ConfirmationTokens } from './builtin/payment/confirmation-token';
import {
  GetCustomerBalances,
  GetPayment,
  GetPaymentPolicy,
  ListCustomerPayments,
  SetCustomerBalance,
  SetPaymentPolicy,
} from './builtin/payment/payment-admin.usecase';
import type { PaymentConnector } from './builtin/payment/payment-connector';
import { PaymentLedgerRepository } from './builtin/payment/payment-ledger.repository';
import { createPaymentOperations } from './builtin/payment/payment.tool';
import { SearchIndexRepository } from './builtin/search/search-index.repository';
import { createSearchOperations } from './builtin/search/search.tool';
import { RemoveSearchDocument, UploadSearchDocuments } from './builtin/search/upload-search-documents.usecase';
import { ToolCallExecutor } from './execution/execute-tool-call';
import { IdempotencyLedgerRepository } from './execution/idempotency-ledger.repository';
import { ArgumentValidator } from './execution/validate-arguments';
import { createGuardedFetch, type FetchLike } from './http/guarded-fetch';
import { type HostResolver, SsrfGuard } from './http/ssrf-guard';
import { JsonSchemaDialects } from './json-schema/json-schema';
import { McpToolSource } from './mcp/mcp-tool-source';
import { McpToolsCache } from './mcp/mcp-tools.cache';
import { GetTool, ListTools } from './registry/list-tools.usecase';
import { ToolDefinitionPreparer } from './registry/prepare-tool-definition';
import { RegisterTool } from './registry/register-tool.usecase';
import { RemoveTool } from './registry/remove-tool.usecase';
import { ALL_TENANTS, CachedTenantTools, type TenantToolsResolver } from './registry/cached-tenant-tools';
import { ResolveTenantTools } from './registry/resolve-tenant-tools.usecase';
import { DisableToolForTenant, EnableToolForTenant, ListTenantTools } from './registry/tenant-tools.usecase';
import { ToolModuleFactory } from './registry/tool-module.factory';
import { ToolRegistryRepository } from './registry/tool-registry.repository';
import { UpdateTool } from './registry/update-tool.usecase';

/** The `tools` section of the gateway config. */
export type ToolsSettings = GatewayConfig['tools'];

export interface ToolsRuntimeOptions {
  /** The gateway's Redis connection (its key prefix applies to every key of this lib). */
  readonly redis: Redis;
  readonly settings: ToolsSettings;
  readonly now?: () => number;
  /** DNS for the SSRF guard; tests inject one to simulate rebinding. */
  readonly resolveHost?: HostResolver;
  /** Replaces the built-in Redis ledger behind the payment tool (e.g. a real processor). */
  readonly paymentConnector?: PaymentConnector;
  /** Operational warnings (MCP server down, tool left out, late ledger write failed). Never secrets. */
  readonly onWarning?: (message: string) => void;
  /**
   * Registry changes are published on `channel`; with `settings.toolsetCacheMs > 0` each tenant's toolset
   * is then cached per process (`CachedTenantTools`) while `live()` says the caller's subscription to that
   * channel is up. The caller subscribes and forwards messages to the returned `toolsetCache`.
   */
  readonly toolChanges?: { readonly channel: string; readonly live: () => boolean };
}

/**
 * Everything this lib offers, wired once per process: what the Nest module of the gateway provides.
 * `close()` releases the HTTP connection pool (not the Redis connection, which the caller owns).
 */
export function createToolsRuntime(options: ToolsRuntimeOptions) {
  const { redis, settings } = options;
  const now = options.now ?? Date.now;
  const dialects = new JsonSchemaDialects();
  const guard = new SsrfGuard(settings.ssrfAllowList, options.resolveHost);
  const fetch: FetchLike = createGuardedFetch(guard);
  const mcp = new McpToolSource(fetch);

  const search = new SearchIndexRepository(redis, now);
  const booking = new BookingRepository(redis, now);
  const payments = new PaymentLedgerRepository(redis, now);
  const confirmations = new ConfirmationTokens(settings.confirmationSecret, settings.confirmationTtlMs, now);
  const builtins: BuiltinCatalogue = {
    search: createSearchOperations(search),
    booking: createBookingOperations(booking, now),
    payment: createPaymentOperations(options.paymentConnector ?? payments, payments, confirmations),
  };

  const preparer = new ToolDefinitionPreparer(builtins, dialects, guard, mcp, settings, now);
  const factory = new ToolModuleFactory({
    builtins,
    fetch,
    maxResponseBytes: settings.maxResponseBytes,
    mcp,
    mcpCache: new McpToolsCache(mcp, settings.mcpToolsCacheMs, now),
    dialects,
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  const ledger = new IdempotencyLedgerRepository(redis, settings.ledgerTtlMs);
  const warn = options.onWarning;
  const executor = new ToolCallExecutor(ledger, new ArgumentValidator(dialects), {
    now,
    onBackgroundError: (error: unknown) =>
      warn?.(`tool execution: a ledger write failed: ${error instanceof Error ? error.message : String(error)}`),
  });

  let toolsetCache: CachedTenantTools | null = null;
  const registry = new ToolRegistryRepository(
    redis,
    options.toolChanges && {
      channel: options.toolChanges.channel,
      local: (tenantIdOrAll) =>
        tenantIdOrAll === ALL_TENANTS ? toolsetCache?.clear() : toolsetCache?.evict(tenantIdOrAll),
    },
  );
  const resolve = new ResolveTenantTools(registry, factory);
  toolsetCache =
    options.toolChanges && settings.toolsetCacheMs > 0
      ? new CachedTenantTools(resolve, {
          maxAgeMs: settings.toolsetCacheMs,
          maxEntries: 10_000,
          live: options.toolChanges.live,
          now,
        })
      : null;

  return {
    /** `execute(tenantId)` → the tenant's `TenantToolset` (OpenAI tool definitions + executable tools). */
    resolveTenantTools: (toolsetCache ?? resolve) as TenantToolsResolver,
    /**
     * The toolset cache, when there is one: `evict(tenantId)` on a tenant id message, `clear()` on `*` and
     * whenever the subscription is (re)established.
     */
    toolsetCache,
    /** Runs tool calls with validation, ledger, timeout; never throws. */
    executor,
    /** Ops: the registry. */
    tools: {
      register: new RegisterTool(registry, preparer),
      update: new UpdateTool(registry, preparer),
      remove: new RemoveTool(registry),
      list: new ListTools(registry),
      get: new GetTool(registry),
      enableForTenant: new EnableToolForTenant(registry),
      disableForTenant: new DisableToolForTenant(registry),
      listForTenant: new ListTenantTools(registry),
    },
    /** Ops: the built-in modules' data. */
    builtins: {
      uploadSearchDocuments: new UploadSearchDocuments(search),
      removeSearchDocument: new RemoveSearchDocument(search),
      upsertBookingResource: new UpsertBookingResource(booking),
      addBookingSlots: new AddBookingSlots(booking),
      listBookingResources: new ListBookingResources(booking),
      listBookingSlots: new ListBookingSlots(booking),
      getBooking: new GetBooking(booking),
      cancelBooking: new CancelBooking(booking),
      setCustomerBalance: new SetCustomerBalance(payments),
      getCustomerBalances: new GetCustomerBalances(payments),
      setPaymentPolicy: new SetPaymentPolicy(payments),
      getPaymentPolicy: new GetPaymentPolicy(payments),
      /** Reads the built-in ledger only (not a `paymentConnector` that replaces it). */
      listCustomerPayments: new ListCustomerPayments(payments),
      getPayment: new GetPayment(payments),
    },
    repositories: { registry, search, booking, payments, ledger },
    confirmations,
    close: () => guard.close(),
  };
}
export type ToolsRuntime = ReturnType<typeof createToolsRuntime>;
