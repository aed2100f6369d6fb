import { isIPv4, isIPv6 } from 'node:net';

/** An IP address as bytes: 4 for IPv4, 16 for IPv6. */
export type AddressBytes = readonly number[];

/** Parses an IPv4 or IPv6 literal (no brackets, no zone) into bytes, or `null` if it is neither. */
export function parseAddress(text: string): AddressBytes | null {
  if (isIPv4(text)) return text.split('.').map(Number);
  if (!isIPv6(text)) return null;
  let address = text.toLowerCase();
  let tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted?.[1]) {
    tail = dotted[1].split('.').map(Number);
    address = `${address.slice(0, -dotted[1].length)}0:0`;
  }
  const [head = '', rest] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups =
    rest === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  if (groups.length !== 8) return null;
  const bytes = groups.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** A CIDR range such as `10.0.0.0/8` or `fc00::/7`. */
export interface AddressRange {
  readonly base: AddressBytes;
  readonly prefix: number;
}

export function parseRange(text: string): AddressRange | null {
  const [address = '', prefixText] = text.split('/');
  const base = parseAddress(address.replace(/^\[|\]$/g, ''));
  if (!base) return null;
  const max = base.length * 8;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return null;
  return { base, prefix };
}

export function inRange(address: AddressBytes, range: AddressRange): boolean {
  if (address.length !== range.base.length) return false;
  for (let bit = 0; bit < range.prefix; bit += 8) {
    const bits = Math.min(8, range.prefix - bit);
    const mask = (0xff << (8 - bits)) & 0xff;
    if (((address[bit / 8] ?? 0) & mask) !== ((range.base[bit / 8] ?? 0) & mask)) return false;
  }
  return true;
}

export function formatAddress(bytes: AddressBytes): string {
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':');
}

/**
 * The IPv4 address an IPv6 address stands for, if it embeds one that the network would route to:
 * IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`), NAT64 (`64:ff9b::/96`) and 6to4
 * (`2002:AABB:CCDD::/16`). Checking the embedded address stops `[::ffff:127.0.0.1]` from reaching loopback.
 */
export function embeddedIPv4(bytes: AddressBytes): AddressBytes | null {
  if (bytes.length !== 16) return null;
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((byte) => byte === 0);
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12);
  if (zeros(0, 12) && !zeros(12, 16) && !(zeros(12, 15) && bytes[15] === 1)) return bytes.slice(12);
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zeros(4, 12))
    return bytes.slice(12);
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return bytes.slice(2, 6);
  return null;
}
