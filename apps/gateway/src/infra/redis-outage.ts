/**
 * Whether `error` means Redis could not be reached or did not answer (as opposed to a bug or a rejected
 * command): such a request is a 503 `store_unavailable`, and such a write is worth retrying later.
 *
 * - `MaxRetriesPerRequestError`, `Connection is closed`: the connection dropped under the command;
 * - `ECONNREFUSED`, `ETIMEDOUT`, `ENOTFOUND`: no connection could be made;
 * - `Command timed out`: no answer within `redis.commandTimeoutMs` (a frozen Redis);
 * - `Stream isn't writeable`: the connection is down and commands are not queued (a Redis that refuses).
 */
export function isRedisOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'MaxRetriesPerRequestError' ||
    /ECONNREFUSED|Connection is closed|ETIMEDOUT|ENOTFOUND|Command timed out|Stream isn't writeable/.test(error.message)
  );
}
