import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';

/**
 * `fetch` for one provider, over its own connection pool whose connections must open within `connectMs`
 * (a connect timeout fails with `UND_ERR_CONNECT_TIMEOUT` in the error's cause). undici's own headers
 * and body timeouts (300 s each by default) are off: `UpstreamDeadline` owns those, with the provider's
 * configured values and errors that say which one ran out.
 */
export function upstreamFetch(connectMs: number): typeof fetch {
  const dispatcher = new Agent({ connect: { timeout: connectMs }, headersTimeout: 0, bodyTimeout: 0 });
  return async (input, init) => {
    const url = typeof input === 'string' || input instanceof URL ? input : input.url;
    const request = { ...init, dispatcher } as UndiciRequestInit;
    return await undiciFetch(url, request);
  };
}

/** True when `code` (see `networkCodeOf`) is the dispatcher's connect timeout. */
export function isConnectTimeout(code: string | null): boolean {
  return code === 'UND_ERR_CONNECT_TIMEOUT';
}
