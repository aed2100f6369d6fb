/**
 * An error, its `cause`s and the members of an `AggregateError`, breadth first (at most `limit`). Duck-typed
 * rather than `instanceof Error`, because errors from Node's core may come from another realm.
 */
export function errorChain(error: unknown, limit = 8): object[] {
  const found: object[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && found.length < limit) {
    const current = queue.shift();
    if (current === null || typeof current !== 'object') continue;
    found.push(current);
    const { cause, errors } = current as { cause?: unknown; errors?: unknown };
    if (cause !== undefined) queue.push(cause);
    if (Array.isArray(errors)) queue.push(...(errors as unknown[]));
  }
  return found;
}

/** The error's message and its causes' in one line (`fetch failed: connect ECONNREFUSED 127.0.0.1:9`). */
export function describeError(error: unknown, maxLength = 300): string {
  const messages = errorChain(error, 4).map((entry) => {
    const message = (entry as { message?: unknown }).message;
    return typeof message === 'string' ? message : 'unknown error';
  });
  const text = messages.length > 0 ? messages.join(': ') : typeof error === 'string' ? error : 'unknown error';
  return text.replace(/\s+/g, ' ').slice(0, maxLength);
}
