/**
 * Whether `error` means Redis could not be reached or did not answer (as opposed to a bug or a rejected
 * command): such a request is a 503 `store_unavailable`, and such a write is worth retrying later.
 *
 * - `MaxRetriesPerRequestError`, `Connection is closed`: the connection dropped under the command;
 * - `ECONNREFUSED`, `ETIMEDOUT`, `ENOTFOUND`: no connection could be made;
 * - `Command timed out`: no answer within `redis.commandTimeoutMs` (a frozen Redis);
 * - `Stream isn't writeable`: the connection is down and commands are not queued (a Redis that refuses);
 * - `Cluster isn't ready`, `Failed to refresh slots cache`, `CLUSTERDOWN`, `TRYAGAIN`, `Too many Cluster
 *   redirections`: a cluster that lost its nodes, is failing over or resharding a slot;
 * - `All sentinels are unreachable`, and `READONLY` from a demoted master during a Sentinel failover.
 */
export function isRedisOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'MaxRetriesPerRequestError' || OUTAGE.test(error.message);
}

const OUTAGE = new RegExp(
  [
    'ECONNREFUSED',
    'Connection is closed',
    'ETIMEDOUT',
    'ENOTFOUND',
    'Command timed out',
    "Stream isn't writeable",
    "Cluster isn't ready",
    'Failed to refresh slots cache',
    '^CLUSTERDOWN',
    '^TRYAGAIN',
    'Too many Cluster redirections',
    'All sentinels are unreachable',
    '^READONLY',
  ].join('|'),
);
