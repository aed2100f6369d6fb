import type { Redis } from 'ioredis';

/** The pub/sub channel of one kind of invalidation, under the deployment's key prefix (PUBLISH channels are not prefixed by ioredis). */
export function invalidationChannel(keyPrefix: string, kind: 'apikeys-revoked' | 'tools-changed'): string {
  return `${keyPrefix}${kind}`;
}

/** Receives what `InvalidationSubscriber` hears. */
export interface InvalidationListener {
  /** A message on the channel. */
  onMessage(message: string): void;
  /** The subscription was (re)established: messages sent meanwhile may have been missed. */
  onResubscribed(): void;
}

/**
 * A dedicated connection (a `duplicate()` of the shared client, which a subscribed connection can no longer
 * be) subscribed to one channel, and whether that subscription is live right now: from the confirmation
 * of SUBSCRIBE on a ready connection until the connection closes or starts reconnecting. Caches must not
 * be read while it is not live (`CachedApiKeys` bypasses itself), since messages are not queued for an
 * absent subscriber.
 *
 * Each (re)subscription calls `onResubscribed` before the subscription is reported live, so a listener can
 * drop what it cached before the gap.
 */
export class InvalidationSubscriber {
  private readonly connection: Redis;
  private subscribed = false;
  private closed = false;

  constructor(
    shared: Redis,
    private readonly channel: string,
    private readonly listener: InvalidationListener,
  ) {
    this.connection = shared.duplicate();
    this.connection.on('error', () => undefined);
    this.connection.on('message', (from: string, message: string) => {
      if (from === this.channel) this.listener.onMessage(message);
    });
    for (const event of ['close', 'end', 'reconnecting'] as const) this.connection.on(event, () => this.down());
    this.connection.on('ready', () => void this.subscribe());
    if (this.connection.status === 'ready') void this.subscribe();
  }

  /** True while messages on the channel are being received. */
  live(): boolean {
    return this.subscribed && this.connection.status === 'ready';
  }

  async close(): Promise<void> {
    this.closed = true;
    this.down();
    await this.connection.quit().catch(() => this.connection.disconnect());
  }

  private down(): void {
    this.subscribed = false;
  }

  private async subscribe(): Promise<void> {
    if (this.closed) return;
    try {
      await this.connection.subscribe(this.channel);
    } catch {
      return; // the connection dropped again; its next 'ready' retries
    }
    if (this.closed || this.connection.status !== 'ready') return;
    this.listener.onResubscribed();
    this.subscribed = true;
  }
}
