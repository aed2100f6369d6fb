import { isRedisOutage } from './redis-outage';

describe('isRedisOutage', () => {
  it.each([
    'connect ECONNREFUSED 127.0.0.1:6379',
    'Command timed out',
    "Stream isn't writeable and enableOfflineQueue options is false",
    "Cluster isn't ready and enableOfflineQueue options is false",
    'Failed to refresh slots cache.',
    'CLUSTERDOWN The cluster is down',
    'TRYAGAIN Multiple keys request during rehashing of slot',
    'Too many Cluster redirections. Last error: Error: MOVED 1 127.0.0.1:7002',
    'All sentinels are unreachable. Retrying from scratch after 10ms.',
    "READONLY You can't write against a read only replica.",
  ])('counts "%s" as an outage (503, retried by the outbox)', (message) => {
    expect(isRedisOutage(new Error(message))).toBe(true);
  });

  it.each([
    "CROSSSLOT Keys in request don't hash to the same slot",
    'EXECABORT Transaction discarded because of previous errors.',
    'WRONGTYPE Operation against a key holding the wrong kind of value',
    'ERR value is not an integer or out of range',
  ])('does not count "%s": a bug, not an outage', (message) => {
    expect(isRedisOutage(new Error(message))).toBe(false);
  });
});
