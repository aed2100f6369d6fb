import { randomBytes } from 'node:crypto';
import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import type { GatewayConfig } from '@voxgate/config';
import { CreateChatCompletion, ModelCatalog } from '@voxgate/conversation';
import { ProviderRouter } from '@voxgate/providers';
import { providerRouter } from './chat/provider-router.factory';
import {
  ExportUsage,
  QueryUsage,
  RecordUsage,
  SettlementRepository,
  UsageMetrics,
  UsageRepository,
} from '@voxgate/metering';
import {
  AppendSessionTurn,
  AudioStore,
  DeleteSession,
  GetSession,
  LoadSessionHistory,
  ResolveAudioReferences,
  SessionRepository,
  StoreAssistantAudio,
} from '@voxgate/sessions';
import {
  ApiKeyRepository,
  AuthenticateApiKey,
  AuthenticateClientSecret,
  ClientSecretRepository,
  MintClientSecret,
  CreateApiKey,
  CreateTenant,
  ListApiKeys,
  QuotaRepository,
  ReserveQuota,
  RevokeApiKey,
  SetQuotas,
  SettleQuota,
  type TenancyEnvironment,
  TenantRepository,
} from '@voxgate/tenancy';
import { MetricsRegistry } from '@voxgate/metrics';
import { ToolMetrics, UpstreamCallTracer } from '@voxgate/telemetry';
import type { Redis } from 'ioredis';
import { KeysController } from './admin/keys.controller';
import { QuotasController } from './admin/quotas.controller';
import { TenantsController } from './admin/tenants.controller';
import { AdminGuard } from './auth/admin.guard';
import { AUDIO_CONTROLLERS, AUDIO_PROVIDERS } from './audio/audio.providers';
import { ApiKeyCache, revocationChannel } from './auth/api-key-cache';
import { BATCH_CONTROLLERS, batchProviders } from './batch/batch.providers';
import { ApiKeyGuard } from './auth/api-key.guard';
import { OriginPolicy } from './auth/origin-policy';
import { ClientSecretsController } from './realtime/client-secrets.controller';
import { ChatCompletionsRoute } from './chat/chat-completions.route';
import { CompletionPipeline } from './chat/completion-pipeline';
import { ConversationTurns } from './chat/conversation-turns';
import { MeteredChat } from './chat/metered-chat';
import { HealthController } from './health/health.controller';
import { AccessLog } from './infra/access-log';
import { GracefulShutdown } from './infra/graceful-shutdown';
import { JsonLogger } from './infra/json-logger';
import { createRedis } from './infra/redis.provider';
import { PendingWrites } from './infra/pending-writes';
import { RedisLifecycle } from './infra/redis-lifecycle';
import { RedisTickBatch } from './infra/redis-tick-batch';
import { randomHex } from './http/random-hex';
import { GATEWAY_CONFIG, REDIS, TENANCY_ENVIRONMENT } from './infra/tokens';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { metricsProviders } from './metrics/metrics.providers';
import { ModelsController } from './models/models.controller';
import { BookingAdminController } from './tools/booking-admin.controller';
import { PaymentAdminController } from './tools/payment-admin.controller';
import { ToolsAdminController } from './tools/tools-admin.controller';
import { GatewayTools } from './tools/tools-runtime.provider';
import { SessionsController } from './sessions/sessions.controller';
import { AdminUsageController } from './usage/admin-usage.controller';
import { UsageController } from './usage/usage.controller';

const tenancyEnvironment: TenancyEnvironment = {
  now: () => new Date(),
  newId: (prefix) => `${prefix}_${randomBytes(12).toString('hex')}`,
};

/** Builds a provider whose instance is `new Class(...injected)`; keeps the libs free of Nest decorators. */
function construct<T>(
  token: abstract new (...args: never[]) => T,
  inject: unknown[],
  build: (...args: never[]) => T,
): Provider {
  return { provide: token, useFactory: build, inject: inject as never[] };
}

/**
 * The gateway process: HTTP controllers over the libs. Everything is built from the validated config
 * handed to `forRoot`, so tests and `main.ts` boot the same graph.
 */
@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, logger: JsonLogger): DynamicModule {
    return {
      module: AppModule,
      controllers: [
        ModelsController,
        UsageController,
        SessionsController,
        TenantsController,
        ClientSecretsController,
        KeysController,
        QuotasController,
        ToolsAdminController,
        BookingAdminController,
        PaymentAdminController,
        AdminUsageController,
        MetricsController,
        HealthController,
        ...BATCH_CONTROLLERS,
        ...AUDIO_CONTROLLERS,
      ],
      providers: [
        ...batchProviders(config),
        ...AUDIO_PROVIDERS,
        ...metricsProviders(config),
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: JsonLogger, useValue: logger },
        { provide: TENANCY_ENVIRONMENT, useValue: tenancyEnvironment },
        { provide: REDIS, useFactory: () => createRedis(config, logger) },
        RedisLifecycle,
        PendingWrites,
        GracefulShutdown,
        AccessLog,
        ApiKeyGuard,
        // `POST /v1/chat/completions`, registered on Fastify by `createGatewayApp`.
        ChatCompletionsRoute,
        AdminGuard,
        construct(TenantRepository, [REDIS], (redis: Redis) => new TenantRepository(redis)),
        construct(ApiKeyRepository, [REDIS], (redis: Redis) => new ApiKeyRepository(redis, revocationChannel(config))),
        ApiKeyCache,
        construct(
          CreateTenant,
          [TenantRepository, TENANCY_ENVIRONMENT],
          (tenants: TenantRepository, env: TenancyEnvironment) => new CreateTenant(tenants, env),
        ),
        construct(
          CreateApiKey,
          [TenantRepository, ApiKeyRepository, TENANCY_ENVIRONMENT],
          (tenants: TenantRepository, keys: ApiKeyRepository, env: TenancyEnvironment) =>
            new CreateApiKey(tenants, keys, env),
        ),
        construct(
          ListApiKeys,
          [TenantRepository, ApiKeyRepository],
          (tenants: TenantRepository, keys: ApiKeyRepository) => new ListApiKeys(tenants, keys),
        ),
        construct(RevokeApiKey, [ApiKeyRepository], (keys: ApiKeyRepository) => new RevokeApiKey(keys)),
        construct(ClientSecretRepository, [REDIS], (redis: Redis) => new ClientSecretRepository(redis)),
        construct(
          MintClientSecret,
          [ClientSecretRepository, TENANCY_ENVIRONMENT],
          (secrets: ClientSecretRepository, env: TenancyEnvironment) => new MintClientSecret(secrets, env),
        ),
        construct(
          AuthenticateClientSecret,
          [ClientSecretRepository, ApiKeyRepository, TENANCY_ENVIRONMENT],
          (secrets: ClientSecretRepository, keys: ApiKeyRepository, env: TenancyEnvironment) =>
            new AuthenticateClientSecret(secrets, keys, env.now),
        ),
        construct(
          AuthenticateApiKey,
          [ApiKeyCache, AuthenticateClientSecret],
          (keys: ApiKeyCache, clientSecrets: AuthenticateClientSecret) =>
            new AuthenticateApiKey(keys.lookup, clientSecrets),
        ),
        OriginPolicy,
        construct(
          RedisTickBatch,
          [REDIS],
          (redis: Redis) => new RedisTickBatch(redis, config.redis.mode === 'cluster'),
        ),
        construct(
          QuotaRepository,
          [REDIS, RedisTickBatch],
          (redis: Redis, turn: RedisTickBatch) => new QuotaRepository(redis, turn),
        ),
        construct(
          ReserveQuota,
          [QuotaRepository, GatewayMetrics],
          (quotas: QuotaRepository, metrics: GatewayMetrics) =>
            new ReserveQuota(
              quotas,
              {
                dryRun: config.quotas.dryRun,
                streamLeaseMs: config.quotas.streamLeaseMs,
                onRefusal: (refusal, enforced) => metrics.quotaRefused(refusal.limit, refusal.scope, enforced),
              },
              Date.now,
              randomHex,
            ),
        ),
        construct(SettleQuota, [QuotaRepository], (quotas: QuotaRepository) => new SettleQuota(quotas)),
        construct(
          SetQuotas,
          [TenantRepository, ApiKeyRepository, QuotaRepository],
          (tenants: TenantRepository, keys: ApiKeyRepository, quotas: QuotaRepository) =>
            new SetQuotas(tenants, keys, quotas),
        ),
        construct(UsageMetrics, [MetricsRegistry], (registry: MetricsRegistry) => new UsageMetrics(registry)),
        construct(ToolMetrics, [MetricsRegistry], (registry: MetricsRegistry) => new ToolMetrics(registry)),
        construct(
          UsageRepository,
          [REDIS],
          (redis: Redis) => new UsageRepository(redis, config.metering.retentionDays * 86_400_000),
        ),
        construct(
          RecordUsage,
          [UsageRepository, UsageMetrics],
          (usage: UsageRepository, metrics: UsageMetrics) => new RecordUsage(usage, metrics),
        ),
        construct(
          SettlementRepository,
          [REDIS, SettleQuota, UsageRepository],
          (redis: Redis, settle: SettleQuota, usage: UsageRepository) => new SettlementRepository(redis, settle, usage),
        ),
        construct(QueryUsage, [UsageRepository], (usage: UsageRepository) => new QueryUsage(usage)),
        construct(ExportUsage, [UsageRepository], (usage: UsageRepository) => new ExportUsage(usage)),
        MeteredChat,
        construct(AudioStore, [REDIS], (redis: Redis) => new AudioStore(redis)),
        construct(
          SessionRepository,
          [REDIS],
          (redis: Redis) =>
            new SessionRepository(redis, {
              ttlSeconds: config.sessions.ttlSeconds,
              maxTurns: config.sessions.maxTurns,
              maxBytes: config.sessions.maxBytes,
            }),
        ),
        construct(ResolveAudioReferences, [AudioStore], (audio: AudioStore) => new ResolveAudioReferences(audio)),
        construct(
          LoadSessionHistory,
          [SessionRepository, AudioStore, ResolveAudioReferences],
          (sessions: SessionRepository, audio: AudioStore, resolve: ResolveAudioReferences) =>
            new LoadSessionHistory(sessions, audio, resolve),
        ),
        construct(
          AppendSessionTurn,
          [SessionRepository, AudioStore],
          (sessions: SessionRepository, audio: AudioStore) =>
            new AppendSessionTurn(sessions, audio, config.sessions.inputAudioTtlSeconds),
        ),
        construct(StoreAssistantAudio, [AudioStore], (audio: AudioStore) => new StoreAssistantAudio(audio)),
        construct(
          GetSession,
          [SessionRepository, AudioStore],
          (sessions: SessionRepository, audio: AudioStore) =>
            new GetSession(sessions, audio, config.sessions.ttlSeconds),
        ),
        construct(
          DeleteSession,
          [SessionRepository, AudioStore],
          (sessions: SessionRepository, audio: AudioStore) => new DeleteSession(sessions, audio),
        ),
        ConversationTurns,
        CompletionPipeline,
        GatewayTools,
        { provide: ModelCatalog, useValue: new ModelCatalog(config.models) },
        construct(ProviderRouter, [MetricsRegistry], (registry: MetricsRegistry) =>
          providerRouter(config, logger, registry),
        ),
        construct(
          CreateChatCompletion,
          [ModelCatalog, ProviderRouter],
          (models: ModelCatalog, router: ProviderRouter) =>
            new CreateChatCompletion(
              models,
              router,
              { maxDurationSeconds: config.audio.maxInputSeconds, maxDecodedBytes: config.audio.maxDecodedBytes },
              config.tools.loop,
              // Without tracing, upstream calls and streams are not wrapped at all.
              config.telemetry.exporter === 'none' ? undefined : new UpstreamCallTracer(),
            ),
        ),
      ],
    };
  }
}
