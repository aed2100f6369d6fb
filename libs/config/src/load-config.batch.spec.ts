import path from 'node:path';
import { ConfigDirs, DEFAULT_YAML } from './__fixtures__/config-dir';
import { ConfigError, loadConfig } from './load-config';

const REPO_CONFIG_DIR = path.resolve(__dirname, '../../../config');
const dirs = new ConfigDirs();
afterEach(() => dirs.cleanup());

const BATCH_DEFAULTS = {
  maxFileBytes: 104_857_600,
  maxLines: 50_000,
  inputFileTtlSeconds: 2_592_000,
  outputFileTtlSeconds: 2_592_000,
  retentionSeconds: 2_592_000,
  lineConcurrency: 4,
  workerConcurrency: 2,
  rateLimitMaxWaitMs: 60_000,
  serverErrorRetries: 3,
  serverErrorBackoffMs: 2_000,
  runWorkerInGateway: true,
};

describe('loadConfig: the batch section', () => {
  it('fills every batch default when the section is absent, and default.yaml states the same values', () => {
    const bare = loadConfig({ configDir: dirs.create({ 'default.yaml': DEFAULT_YAML }), env: {} });
    expect(bare.batch).toEqual(BATCH_DEFAULTS);
    expect(loadConfig({ configDir: REPO_CONFIG_DIR, env: {} }).batch).toEqual(BATCH_DEFAULTS);
  });

  it('rejects unknown and invalid batch keys, naming them', () => {
    const configDir = dirs.create({
      'default.yaml': `${DEFAULT_YAML}batch:\n  lineConcurrency: 0\n  runWorkerInGatway: false\n`,
    });
    let error: unknown;
    try {
      loadConfig({ configDir, env: {} });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('batch.lineConcurrency');
    expect((error as Error).message).toContain('runWorkerInGatway');
  });
});
