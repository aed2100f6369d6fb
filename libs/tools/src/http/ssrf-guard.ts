import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent } from 'undici';
import { errorChain } from '../error-chain';
import { SsrfPolicy } from './ssrf-policy';

/** A URL or one of its addresses is not a destination tools may reach. */
export class SsrfRefusedError extends Error {
  constructor(
    readonly host: string,
    readonly reason: string,
  ) {
    super(`'${host}' is not reachable by tools: ${reason}`);
    this.name = 'SsrfRefusedError';
  }
}

/** Resolves a host name to every address it has (`dns.lookup` with `all: true` by default). */
export type HostResolver = (hostname: string) => Promise<LookupAddress[]>;

const systemResolver: HostResolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, order: 'verbatim' }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

/**
 * Keeps HTTP and MCP tools off private networks (server-side request forgery).
 *
 * - `check(url)` is the up-front check (registration, each request, each redirect hop): `http(s)` only, no
 *   credentials in the URL, and every address the host resolves to must be public or allow-listed.
 * - `dispatcher` is the connection pool every tool request uses. Its `lookup` resolves the host, checks
 *   every address and hands the socket exactly the checked addresses, so the address connected to is
 *   always the address checked: a DNS answer that changes between check and connect (DNS rebinding) is
 *   refused at connect time, never used.
 */
export class SsrfGuard {
  readonly dispatcher: Agent;
  private readonly policy: SsrfPolicy;

  constructor(
    allowList: readonly string[],
    private readonly resolve: HostResolver = systemResolver,
  ) {
    this.policy = new SsrfPolicy(allowList);
    this.dispatcher = new Agent({ connect: { lookup: this.lookup } });
  }

  /** Throws `SsrfRefusedError` unless `url` may be requested; returns the addresses it resolved to. */
  async check(url: URL): Promise<LookupAddress[]> {
    this.checkStatic(url);
    return this.addressesOf(hostOf(url));
  }

  /**
   * The part of `check` that needs no DNS: scheme, credentials and IP-literal hosts (a socket given an IP
   * literal never calls `lookup`). Host names are checked by `lookup` when the connection is made.
   */
  checkStatic(url: URL): void {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new SsrfRefusedError(url.host, `scheme '${url.protocol}' is not allowed (http or https only)`);
    if (url.username !== '' || url.password !== '')
      throw new SsrfRefusedError(url.host, 'credentials in the URL are not allowed; use headers');
    const host = hostOf(url);
    if (host === '') throw new SsrfRefusedError(host, 'the URL has no host');
    if (isIP(host) !== 0) this.assertAllowed(host, host);
  }

  /** `net` lookup with the check built in: connect-time resolution that cannot be rebound. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.addressesOf(hostname).then(
      (addresses) => {
        const family =
          options.family === 6 || options.family === 'IPv6'
            ? 6
            : options.family === 4 || options.family === 'IPv4'
              ? 4
              : 0;
        const usable = family === 0 ? addresses : addresses.filter((address) => address.family === family);
        const first = usable[0];
        if (!first) {
          callback(Object.assign(new Error(`no IPv${family} address for ${hostname}`), { code: 'ENOTFOUND' }), []);
          return;
        }
        if (options.all) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async addressesOf(host: string): Promise<LookupAddress[]> {
    if (host === '') throw new SsrfRefusedError(host, 'the URL has no host');
    const literal = isIP(host);
    if (literal !== 0) {
      this.assertAllowed(host, host);
      return [{ address: host, family: literal }];
    }
    let addresses: LookupAddress[];
    try {
      addresses = await this.resolve(host);
    } catch (error) {
      throw new SsrfRefusedError(host, `it does not resolve (${(error as NodeJS.ErrnoException).code ?? 'DNS error'})`);
    }
    if (addresses.length === 0) throw new SsrfRefusedError(host, 'it resolves to no address');
    if (!this.policy.allowsHost(host)) for (const { address } of addresses) this.assertAllowed(host, address);
    return addresses;
  }

  private assertAllowed(host: string, address: string): void {
    const refusal = this.policy.refusalOf(address);
    if (refusal === null) return;
    const what = host === address ? `it is a ${refusal} address` : `it resolves to ${address}, a ${refusal} address`;
    throw new SsrfRefusedError(host, `${what} (not in tools.ssrfAllowList)`);
  }
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/** The `SsrfRefusedError` somewhere in an error's `cause` chain (fetch wraps connect errors). */
export function findSsrfRefusal(error: unknown): SsrfRefusedError | null {
  return errorChain(error).find((entry): entry is SsrfRefusedError => entry instanceof SsrfRefusedError) ?? null;
}
