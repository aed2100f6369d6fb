const fs = require('node:fs');
const path = require('node:path');

// Two projects: `unit` (colocated *.spec.ts, may use real Redis) and `e2e` (test/*.e2e-spec.ts, the built
// gateway as a child process). TypeScript is transformed by SWC; type checking is `npm run typecheck`.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

// ESM-only audio packages (research/node-deps.md §6, pitfall 2): Jest's CommonJS runtime cannot load them on
// Node 20, so SWC transforms exactly these packages (and their ESM dependencies) to CommonJS; every other file
// in node_modules stays untransformed.
const esmPackages = [
  '@echogarden/sonic-wasm',
  '@echogarden/speex-resampler-wasm',
  'mpg123-decoder',
  '@wasm-audio-decoders/common',
  '@eshaz/web-worker',
  'wasm-media-encoders',
  'mediabunny',
  '@mediabunny/aac-encoder',
];
const swcEsm = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  },
];

const moduleNameMapper = {
  '^@voxgate/(openai-wire|providers|conversation|tenancy|metering|sessions|batch|config|testing|audio|tools|telemetry|outbox|metrics|realtime|local-voice|local-llm)$':
    '<rootDir>/libs/$1/src',
};

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc, '^.+\\.m?js$': swcEsm },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleNameMapper,
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
};

// The `cluster` project runs the Redis-heavy suites again against a Redis Cluster (docs/redis.md): every
// colocated spec that uses the test Redis (`useTestRedis`/`createTestRedis`) and the end-to-end suites
// below. It needs `VOXGATE_TEST_REDIS_CLUSTER` (`eval "$(scripts/redis-cluster.sh start)"`); without it the
// project is left out with a note, except under CI=true, where that is an error.
const clusterE2e = [
  'redis-cluster',
  'auth',
  'quotas',
  'sessions',
  'metering',
  'batch',
  'tools',
  'tools.booking',
  'tools.payment',
  'tools.admin',
  'tools.replicas',
];
function specsUsingTestRedis(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : specsUsingTestRedis(file);
    return entry.name.endsWith('.spec.ts') && /useTestRedis|createTestRedis/.test(fs.readFileSync(file, 'utf8'))
      ? [file]
      : [];
  });
}
function clusterProject() {
  if (!process.env.VOXGATE_TEST_REDIS_CLUSTER) {
    if (process.env.CI === 'true')
      throw new Error('CI=true: VOXGATE_TEST_REDIS_CLUSTER is unset (start one with scripts/redis-cluster.sh start)');
    process.stderr.write(
      'jest: VOXGATE_TEST_REDIS_CLUSTER unset, Redis Cluster project skipped (scripts/redis-cluster.sh start)\n',
    );
    return [];
  }
  const redisSpecs = ['apps', 'libs'].flatMap((root) => specsUsingTestRedis(path.join(__dirname, root)));
  return [
    {
      ...common,
      displayName: 'cluster',
      testMatch: [...redisSpecs, ...clusterE2e.map((name) => path.join(__dirname, 'test', `${name}.e2e-spec.ts`))],
      setupFiles: ['<rootDir>/test/support/redis-cluster.setup.js'],
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-timeout.js'],
      slowTestThreshold: 20,
    },
  ];
}

module.exports = {
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-timeout.js'],
      slowTestThreshold: 20,
    },
    ...clusterProject(),
  ],
};
