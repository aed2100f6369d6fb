import path from 'node:path';
import { ConfigDirs, DEFAULT_YAML } from './__fixtures__/config-dir';
import { ConfigError, loadConfig } from './load-config';
import { SecretRedactor } from './secret-redactor';

const dirs = new ConfigDirs();
afterEach(() => dirs.cleanup());

function load(override: string) {
  const configDir = dirs.create({ 'default.yaml': DEFAULT_YAML });
  const file = path.join(dirs.create({ 'override.yaml': override }), 'override.yaml');
  return loadConfig({ configDir, env: { VOXGATE_CONFIG: file } });
}

function errorOf(override: string): string {
  try {
    load(override);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('loadConfig accepted the configuration');
}

describe('loadConfig: redis.mode', () => {
  it('defaults to a single server at redis.url', () => {
    const config = load('{}');
    expect(config.redis.mode).toBe('single');
    expect(config.redis.nodes).toEqual([]);
  });

  it('accepts a cluster with seed nodes, credentials and TLS in the URLs', () => {
    const config = load('redis: { mode: cluster, nodes: ["redis://10.0.0.1:7001", "rediss://u:p@10.0.0.2:7002"] }');
    expect(config.redis.mode).toBe('cluster');
    expect(config.redis.nodes).toEqual(['redis://10.0.0.1:7001', 'rediss://u:p@10.0.0.2:7002']);
  });

  it('refuses a cluster without nodes, and a hash tag in the key prefix', () => {
    const message = errorOf('redis: { mode: cluster, keyPrefix: "{vg}:" }');
    expect(message).toContain('redis.nodes: redis.mode cluster needs at least one node');
    expect(message).toContain('redis.keyPrefix: must not contain { or } in cluster mode');
  });

  it('refuses a node that is not a redis:// URL of host:port', () => {
    expect(errorOf('redis: { mode: cluster, nodes: ["10.0.0.1:7001"] }')).toContain('redis.nodes.0');
    expect(errorOf('redis: { mode: cluster, nodes: ["redis://10.0.0.1:7001/2"] }')).toContain('redis.nodes.0');
  });

  it('accepts sentinels with a master name, and refuses either missing', () => {
    const config = load('redis: { mode: sentinel, sentinels: ["10.0.0.1:26379"], name: mymaster }');
    expect(config.redis.sentinels).toEqual(['10.0.0.1:26379']);
    expect(config.redis.name).toBe('mymaster');
    const message = errorOf('redis: { mode: sentinel }');
    expect(message).toContain('redis.sentinels: redis.mode sentinel needs at least one sentinel');
    expect(message).toContain('redis.name: redis.mode sentinel needs the master group name');
    expect(errorOf('redis: { mode: sentinel, sentinels: ["no-port"], name: m }')).toContain('redis.sentinels.0');
  });

  it('refuses an unknown mode', () => {
    expect(errorOf('redis: { mode: replicated }')).toContain('redis.mode');
  });

  it('redacts every Redis password: node URLs, redis.password and redis.sentinelPassword', () => {
    const config = load(
      'redis: { mode: cluster, nodes: ["redis://u:node-secret-1234@h:7001"], password: data-secret-5678, sentinelPassword: sentinel-secret-90 }',
    );
    const redactor = SecretRedactor.fromConfig(config);
    expect(redactor.redact('a node-secret-1234 b data-secret-5678 c sentinel-secret-90')).toBe(
      'a [redacted] b [redacted] c [redacted]',
    );
  });
});
