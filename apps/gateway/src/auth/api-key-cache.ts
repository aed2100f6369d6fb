import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { GatewayConfig } from '@voxgate/config';
import {
  ApiKeyRepository,
  CachedApiKeys,
  invalidationChannel,
  InvalidationSubscriber,
  type SecretHashLookup,
} from '@voxgate/tenancy';
import type { Redis } from 'ioredis';

import { GATEWAY_CONFIG, REDIS } from '../infra/tokens';

/** Keys cached per process at most (a found key is about 200 bytes). */
const MAX_CACHED_KEYS = 50_000;

/**
 * What authentication reads keys through: with `auth.keyCacheMs > 0`, a `CachedApiKeys` kept current by a
 * subscription to the revocation channel `ApiKeyRepository.revoke` publishes on (every replica evicts at
 * once; the cache is bypassed while the subscription is down, and an entry is never trusted longer than
 * `keyCacheMs` ≤ 1 s, so a revoked key is refused everywhere within 1 s whatever happens to the messages);
 * with 0, the repository itself. Closes its subscription at shutdown.
 */
@Injectable()
export class ApiKeyCache implements OnApplicationShutdown {
  readonly lookup: SecretHashLookup;
  private readonly subscriber: InvalidationSubscriber | null = null;

  constructor(@Inject(REDIS) redis: Redis, @Inject(GATEWAY_CONFIG) config: GatewayConfig, keys: ApiKeyRepository) {
    if (config.auth.keyCacheMs === 0) {
      this.lookup = keys;
      return;
    }
    let cache: CachedApiKeys | null = null;
    const subscriber = new InvalidationSubscriber(redis, revocationChannel(config), {
      onMessage: (secretHash) => cache?.evict(secretHash),
      onResubscribed: () => cache?.clear(),
    });
    cache = new CachedApiKeys(keys, {
      maxAgeMs: config.auth.keyCacheMs,
      maxEntries: MAX_CACHED_KEYS,
      live: () => subscriber.live(),
    });
    this.subscriber = subscriber;
    this.lookup = cache;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.close();
  }
}

/** The channel revocations are published on, per deployment (key prefix). */
export function revocationChannel(config: GatewayConfig): string {
  return invalidationChannel(config.redis.keyPrefix, 'apikeys-revoked');
}
