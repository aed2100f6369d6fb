import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * docker-compose.yml, Dockerfile and .dockerignore, checked without a Docker engine: what the compose file
 * publishes and requires, that every variable config/default.yaml reads reaches the processes, and that
 * the build context keeps what the Dockerfile copies.
 */
const REPOSITORY = path.resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(REPOSITORY, file), 'utf8');

interface Service {
  command?: string[];
  ports?: string[];
  environment?: Record<string, string>;
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const service = (name: string): Service => compose.services[name] ?? {};

/** Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?error}`, enough to read the file's defaults. */
function interpolate(value: string, env: Record<string, string> = {}): string {
  const variable = /\$\{(\w+)(?:(:-|:\?)([^}]*))?\}/g;
  return value.replace(variable, (_match, name: string, operator: string | undefined, arg: string | undefined) => {
    const set = env[name];
    if (set !== undefined && set !== '') return set;
    if (operator === ':?') throw new Error(`required variable ${name} is missing a value: ${arg ?? ''}`);
    return operator === ':-' ? (arg ?? '') : '';
  });
}

/**
 * Environment variables config/default.yaml reads through `key: ${NAME…}`, including its commented-out
 * provider templates (an operator uncomments them in a VOXGATE_CONFIG file and expects the key to arrive).
 */
function configVariables(): string[] {
  const names = [...read('config/default.yaml').matchAll(/:\s*\$\{([A-Z][A-Z0-9_]*)/g)].map((match) => match[1] ?? '');
  return [...new Set(names)];
}

describe('docker-compose.yml', () => {
  it('publishes the gateway and Redis on 127.0.0.1 by default; the gateway address is configurable', () => {
    expect(service('gateway').ports?.map((port) => interpolate(port))).toEqual(['127.0.0.1:8080:8080']);
    expect(service('redis').ports?.map((port) => interpolate(port))).toEqual(['127.0.0.1:6379:6379']);
    expect(service('worker').ports).toBeUndefined();
    const exposed = { VOXGATE_PUBLISH_ADDRESS: '0.0.0.0', VOXGATE_PUBLISH_PORT: '80' };
    expect(service('gateway').ports?.map((port) => interpolate(port, exposed))).toEqual(['0.0.0.0:80:8080']);
  });

  it('refuses to start without the admin key, and without one tool secret shared by gateway and worker', () => {
    const gateway = service('gateway').environment ?? {};
    const worker = service('worker').environment ?? {};
    expect(() => interpolate(gateway['VOXGATE_ADMIN_KEY'] ?? '')).toThrow('VOXGATE_ADMIN_KEY');
    for (const environment of [gateway, worker]) {
      expect(() => interpolate(environment['VOXGATE_TOOL_SECRET'] ?? '')).toThrow('VOXGATE_TOOL_SECRET');
      expect(interpolate(environment['VOXGATE_TOOL_SECRET'] ?? '', { VOXGATE_TOOL_SECRET: 's3cret' })).toBe('s3cret');
    }
  });

  it('passes every variable config/default.yaml reads to the gateway and the worker', () => {
    const names = configVariables();
    expect(names).toEqual(expect.arrayContaining(['OPENAI_API_KEY', 'COMETAPI_KEY', 'VOXGATE_TOOL_SECRET']));
    for (const name of ['gateway', 'worker']) {
      const environment = service(name).environment ?? {};
      const passed = names.filter((variable) =>
        new RegExp(`^\\$\\{${variable}(:[-?][^}]*)?\\}$`).test(environment[variable] ?? ''),
      );
      expect([name, passed]).toEqual([name, names]);
    }
  });

  it('never lets Redis evict keys, and bounds its memory', () => {
    const command = (service('redis').command ?? []).map((part) => interpolate(part));
    expect(command[command.indexOf('--maxmemory-policy') + 1]).toBe('noeviction');
    expect(command[command.indexOf('--maxmemory') + 1]).toMatch(/^\d+(kb|mb|gb)$/i);
  });

  it("runs the worker from the build's output of apps/worker", () => {
    expect(service('worker').command).toEqual(['node', 'dist/apps/worker/src/main.js']);
    expect(existsSync(path.join(REPOSITORY, 'apps/worker/src/main.ts'))).toBe(true);
  });
});

describe('.dockerignore', () => {
  const patterns = read('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('!'));
  /** Sources of the Dockerfile's COPY lines that read the build context (not `--from` another stage). */
  const copied = read('Dockerfile')
    .split('\n')
    .filter((line) => /^COPY\s/.test(line) && !line.includes('--from='))
    .flatMap((line) => line.trim().split(/\s+/).slice(1, -1));

  /** Whether a pattern (Go filepath.Match syntax plus `**`, relative to the context root) matches `file`. */
  function matches(pattern: string, file: string): boolean {
    const source = pattern
      .replace(/^\/+|\/+$/g, '')
      .split('**')
      .map((part) =>
        part
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]'),
      )
      .join('.*');
    return new RegExp(`^${source}$`).test(file);
  }

  it('keeps dependencies, build output, git history and secrets out of the context', () => {
    expect(patterns).toEqual(expect.arrayContaining(['.git', 'node_modules', 'dist', '.env']));
  });

  it('excludes nothing the Dockerfile copies, and everything it copies exists', () => {
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'apps', 'libs', 'config']));
    for (const source of copied) {
      expect([source, existsSync(path.join(REPOSITORY, source))]).toEqual([source, true]);
      const ancestors = source.split('/').map((_part, index, parts) => parts.slice(0, index + 1).join('/'));
      const excluding = patterns.filter(
        (pattern) =>
          ancestors.some((ancestor) => matches(pattern, ancestor)) ||
          pattern.startsWith(`${source}/`) ||
          pattern.startsWith('**'),
      );
      expect([source, excluding]).toEqual([source, []]);
    }
  });
});
