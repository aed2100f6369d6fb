import { embeddedIPv4, formatAddress, parseAddress } from './ip-address';
import { SsrfPolicy } from './ssrf-policy';

describe('parseAddress', () => {
  it('parses IPv4, compressed IPv6 and IPv6 with a dotted tail', () => {
    expect(parseAddress('10.1.2.3')).toEqual([10, 1, 2, 3]);
    expect(formatAddress(parseAddress('::1') ?? [])).toBe('0:0:0:0:0:0:0:1');
    expect(formatAddress(parseAddress('fe80::1:2') ?? [])).toBe('fe80:0:0:0:0:0:1:2');
    expect(embeddedIPv4(parseAddress('::ffff:127.0.0.1') ?? [])).toEqual([127, 0, 0, 1]);
    expect(embeddedIPv4(parseAddress('::ffff:7f00:1') ?? [])).toEqual([127, 0, 0, 1]);
    expect(parseAddress('example.com')).toBeNull();
  });
});

describe('SsrfPolicy', () => {
  const strict = new SsrfPolicy([]);

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fd00::1', 'unique local'],
    ['fc00::1', 'unique local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'IPv4-embedding (loopback)'],
    ['::ffff:a9fe:a9fe', 'IPv4-embedding (link-local)'],
    ['64:ff9b::10.0.0.1', 'IPv4-embedding (private)'],
    ['2002:c0a8:0101::1', 'IPv4-embedding (private)'],
  ])('refuses %s (%s)', (address, label) => {
    expect(strict.refusalOf(address)).toBe(label);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'accepts public %s',
    (address) => {
      expect(strict.refusalOf(address)).toBeNull();
    },
  );

  it('accepts allow-listed CIDRs (also through IPv4-mapped IPv6) and host names', () => {
    const policy = new SsrfPolicy(['127.0.0.0/8', '::1/128', 'billing.internal', '.corp.example', '10.1.2.3']);
    expect(policy.refusalOf('127.0.0.1')).toBeNull();
    expect(policy.refusalOf('::ffff:127.0.0.1')).toBeNull();
    expect(policy.refusalOf('::1')).toBeNull();
    expect(policy.refusalOf('10.1.2.3')).toBeNull();
    expect(policy.refusalOf('10.1.2.4')).toBe('private');
    expect(policy.allowsHost('billing.internal')).toBe(true);
    expect(policy.allowsHost('api.corp.example')).toBe(true);
    expect(policy.allowsHost('corp.example.evil.com')).toBe(false);
  });

  it('rejects a malformed allow-list entry at startup', () => {
    expect(() => new SsrfPolicy(['10.0.0.0/33'])).toThrow(/neither a CIDR nor a host name/);
  });
});
