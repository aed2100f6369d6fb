import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '@voxgate/config';
import { parse } from 'yaml';

/**
 * docker-compose.yml, Dockerfile and .dockerignore, checked without a Docker engine: what the compose file
 * publishes and requires, that every variable config/default.yaml reads reaches the processes, and that
 * the build context keeps what the Dockerfile copies.
 */
const REPOSITORY = path.resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(REPOSITORY, file), 'utf8');

interface Service {
  image?: string;
  command?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, unknown> | string[];
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

describe('docker-compose.yml tracing: gateway and worker → OpenTelemetry Collector → Jaeger', () => {
  interface CollectorConfig {
    receivers: { otlp: { protocols: { http: { endpoint: string }; grpc?: { endpoint: string } } } };
    processors?: Record<string, unknown>;
    exporters: Record<string, { endpoint: string; tls?: { insecure?: boolean } }>;
    service: { pipelines: Record<string, { receivers: string[]; processors?: string[]; exporters: string[] }> };
  }
  const collector = service('otel-collector');
  const jaeger = service('jaeger');
  /** `host:container[:ro]` of the collector's config mount. */
  const mount = (collector.volumes ?? [])
    .map((volume) => volume.split(':'))
    .find(([source]) => source?.endsWith('.yaml'));

  it('pins both images to a release, never a floating tag', () => {
    expect(collector.image).toMatch(/^otel\/opentelemetry-collector-contrib:\d+\.\d+\.\d+$/);
    expect(jaeger.image).toMatch(/^jaegertracing\/jaeger:2\.\d+\.\d+$/);
  });

  it("mounts the repository's collector config where its --config points, read-only", () => {
    const [source, target, mode] = mount ?? [];
    expect(source).toBe('./deploy/otel-collector.yaml');
    expect(existsSync(path.join(REPOSITORY, source ?? ''))).toBe(true);
    expect(mode).toBe('ro');
    expect(collector.command).toEqual([`--config=${target}`]);
  });

  it('receives OTLP/HTTP on 4318 and sends every trace to Jaeger over OTLP/gRPC, memory-bounded and batched', () => {
    const config = parse(read('deploy/otel-collector.yaml')) as CollectorConfig;
    expect(config.receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
    const traces = config.service.pipelines['traces'];
    expect(traces?.receivers).toEqual(['otlp']);
    // memory_limiter must come first to protect the collector; both must be defined.
    expect(traces?.processors).toEqual(['memory_limiter', 'batch']);
    for (const processor of traces?.processors ?? []) expect(Object.keys(config.processors ?? {})).toContain(processor);
    const exporters = (traces?.exporters ?? []).map((name) => [name, config.exporters[name]] as const);
    expect(exporters).toHaveLength(1);
    const [name, exporter] = exporters[0]!;
    expect(name).toMatch(/^otlp_grpc(\/|$)/);
    expect(exporter).toEqual({ endpoint: 'jaeger:4317', tls: { insecure: true } });
  });

  it('runs Jaeger with its OTLP/gRPC receiver listening beyond localhost, and its UI on loopback only', () => {
    const command = jaeger.command ?? [];
    const settings = command.filter((_part, index) => command[index - 1] === '--set');
    expect(settings).toContain('receivers.otlp.protocols.grpc.endpoint=0.0.0.0:4317');
    expect(jaeger.ports?.map((port) => interpolate(port))).toEqual(['127.0.0.1:16686:16686']);
    expect(collector.ports?.map((port) => interpolate(port))).toEqual(['127.0.0.1:4318:4318']);
  });

  it('points the gateway and the worker at the collector, and their config then exports over OTLP', () => {
    for (const name of ['gateway', 'worker']) {
      const environment = service(name).environment ?? {};
      const env = Object.fromEntries(
        Object.entries(environment).map(([key, value]) => [
          key,
          interpolate(value, { VOXGATE_ADMIN_KEY: 'a', VOXGATE_TOOL_SECRET: 's' }),
        ]),
      );
      expect([name, env['OTEL_EXPORTER_OTLP_ENDPOINT']]).toEqual([name, 'http://otel-collector:4318']);
      const config = loadConfig({ configDir: path.join(REPOSITORY, 'config'), env });
      expect([name, config.telemetry.exporter, config.telemetry.otlpEndpoint]).toEqual([name, 'otlp', '']);
      // The operator can still switch it off.
      const off = loadConfig({
        configDir: path.join(REPOSITORY, 'config'),
        env: { ...env, VOXGATE_TELEMETRY_EXPORTER: 'none' },
      });
      expect(off.telemetry.exporter).toBe('none');
      expect(Object.keys(service(name).depends_on ?? {})).toContain('otel-collector');
    }
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['otel-collector', 'jaeger']));
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
