import { type AddressBytes, type AddressRange, embeddedIPv4, inRange, parseAddress, parseRange } from './ip-address';

/**
 * Destinations a tool may not reach unless allow-listed: everything that is not the public internet.
 * IPv4: this-network, private (RFC 1918), carrier-grade NAT, loopback, link-local (cloud metadata at
 * 169.254.169.254), IETF protocol assignments, documentation, 6to4 relay, benchmarking, multicast,
 * reserved and broadcast. IPv6: unspecified, loopback, discard, Teredo, documentation, unique local
 * (ULA), site-local, link-local and multicast; addresses embedding an IPv4 are judged by that IPv4.
 */
const BLOCKED: readonly { readonly range: AddressRange; readonly label: string }[] = (
  [
    ['0.0.0.0/8', 'unspecified'],
    ['10.0.0.0/8', 'private'],
    ['100.64.0.0/10', 'carrier-grade NAT'],
    ['127.0.0.0/8', 'loopback'],
    ['169.254.0.0/16', 'link-local'],
    ['172.16.0.0/12', 'private'],
    ['192.0.0.0/24', 'reserved'],
    ['192.0.2.0/24', 'documentation'],
    ['192.88.99.0/24', 'reserved'],
    ['192.168.0.0/16', 'private'],
    ['198.18.0.0/15', 'reserved'],
    ['198.51.100.0/24', 'documentation'],
    ['203.0.113.0/24', 'documentation'],
    ['224.0.0.0/4', 'multicast'],
    ['240.0.0.0/4', 'reserved'],
    ['::/128', 'unspecified'],
    ['::1/128', 'loopback'],
    ['100::/64', 'reserved'],
    ['2001::/32', 'reserved'],
    ['2001:db8::/32', 'documentation'],
    ['fc00::/7', 'unique local'],
    ['fec0::/10', 'site-local'],
    ['fe80::/10', 'link-local'],
    ['ff00::/8', 'multicast'],
  ] as const
).map(([cidr, label]) => {
  const range = parseRange(cidr);
  if (!range) throw new Error(`bad built-in range ${cidr}`);
  return { range, label };
});

/** The allow-list from config: CIDRs, exact host names and `.domain` suffixes. */
export class SsrfPolicy {
  private readonly ranges: AddressRange[] = [];
  private readonly hosts = new Set<string>();
  private readonly suffixes: string[] = [];

  constructor(allowList: readonly string[]) {
    for (const entry of allowList) {
      const text = entry.trim().toLowerCase();
      const range = text.includes('/') || parseAddress(text.replace(/^\[|\]$/g, '')) ? parseRange(text) : null;
      if (range) this.ranges.push(range);
      else if (text.startsWith('*.')) this.suffixes.push(text.slice(1));
      else if (text.startsWith('.')) this.suffixes.push(text);
      else if (/^[a-z0-9.-]+$/.test(text)) this.hosts.add(text);
      else throw new Error(`tools.ssrfAllowList: '${entry}' is neither a CIDR nor a host name`);
    }
  }

  /** The host name itself is allow-listed: any address it resolves to is accepted. */
  allowsHost(hostname: string): boolean {
    const host = hostname.toLowerCase().replace(/\.$/, '');
    return this.hosts.has(host) || this.suffixes.some((suffix) => host.endsWith(suffix));
  }

  /** `null` if `address` may be reached, else why not (`loopback`, `private`, ...). */
  refusalOf(address: string): string | null {
    const bytes = parseAddress(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
    if (!bytes) return 'not an IP address';
    const embedded = embeddedIPv4(bytes);
    if (this.ranges.some((range) => inRange(bytes, range) || (embedded !== null && inRange(embedded, range))))
      return null;
    return blockedLabel(bytes);
  }
}

function blockedLabel(bytes: AddressBytes): string | null {
  const embedded = embeddedIPv4(bytes);
  const ownLabel = BLOCKED.find(({ range }) => inRange(bytes, range))?.label ?? null;
  if (ownLabel) return ownLabel;
  if (embedded) {
    const label = blockedLabel(embedded);
    return label ? `IPv4-embedding (${label})` : null;
  }
  return null;
}
