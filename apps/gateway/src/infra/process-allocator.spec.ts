import { jemallocPathIn, processAllocator } from './process-allocator';

/** Lines of a `/proc/<pid>/maps` as Linux writes them. */
const map = (...paths: string[]) =>
  paths
    .map((file, index) => `7f00${index}000-7f00${index}fff r-xp 00000000 fd:01 ${1000 + index}      ${file}`)
    .join('\n');

describe('jemallocPathIn', () => {
  it('finds the jemalloc library mapped in the process, whatever its directory and version suffix', () => {
    expect(
      jemallocPathIn(
        map('/usr/bin/node', '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2', '/usr/lib/x86_64-linux-gnu/libc.so.6'),
      ),
    ).toBe('/usr/lib/x86_64-linux-gnu/libjemalloc.so.2');
    expect(jemallocPathIn(map('/usr/local/lib/libjemalloc.so'))).toBe('/usr/local/lib/libjemalloc.so');
  });

  it('is null for a process on the C library’s allocator, or a file that only looks alike', () => {
    expect(jemallocPathIn(map('/usr/bin/node', '/usr/lib/x86_64-linux-gnu/libc.so.6'))).toBeNull();
    expect(jemallocPathIn(map('/opt/libjemalloc.so.2.bak'))).toBeNull();
    expect(jemallocPathIn('')).toBeNull();
  });
});

(process.platform === 'linux' ? describe : describe.skip)('processAllocator (Linux)', () => {
  it('is the C library’s when no jemalloc is mapped, and its release (malloc_trim) can be called', () => {
    const allocator = processAllocator(map('/usr/bin/node', '/usr/lib/x86_64-linux-gnu/libc.so.6'));
    expect(allocator.name).toBe('libc');
    expect(allocator.release).not.toBeNull();
    expect(() => allocator.release?.()).not.toThrow();
  });
});
