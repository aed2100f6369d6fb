import { DedicatedRedis } from '@voxgate/testing';
import { Redis } from 'ioredis';
import { invalidationChannel, InvalidationSubscriber } from './invalidation-subscriber';

const until = async (condition: () => boolean, ms = 5_000) => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('InvalidationSubscriber (a Redis of its own)', () => {
  let server: DedicatedRedis;
  let shared: Redis;
  beforeAll(async () => {
    server = await DedicatedRedis.start();
  }, 20_000);
  afterAll(async () => {
    await server.destroy();
  });
  beforeEach(() => {
    shared = new Redis(server.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: () => 50,
    });
    shared.on('error', () => undefined);
  });
  afterEach(() => shared.disconnect());

  it('delivers messages, is not live while its connection is down, and resubscribes when it is back', async () => {
    const channel = invalidationChannel('vgtest:', 'apikeys-revoked');
    const messages: string[] = [];
    let resubscribed = 0;
    const subscriber = new InvalidationSubscriber(shared, channel, {
      onMessage: (message) => messages.push(message),
      onResubscribed: () => (resubscribed += 1),
    });
    try {
      await until(() => subscriber.live());
      expect(resubscribed).toBe(1);
      const publisher = new Redis(server.url);
      await publisher.publish(channel, 'hash-1');
      await publisher.publish('another-channel', 'hash-2');
      await until(() => messages.length > 0);
      expect(messages).toEqual(['hash-1']);
      publisher.disconnect();

      await server.stop();
      await until(() => !subscriber.live());
      await server.restart();
      await until(() => subscriber.live(), 10_000);
      expect(resubscribed).toBe(2);
      const again = new Redis(server.url);
      await again.publish(channel, 'hash-3');
      await until(() => messages.length > 1);
      expect(messages).toEqual(['hash-1', 'hash-3']);
      again.disconnect();
    } finally {
      await subscriber.close();
    }
    expect(subscriber.live()).toBe(false);
  }, 30_000);
});
