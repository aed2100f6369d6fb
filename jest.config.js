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
  '^@voxgate/(openai-wire|providers|conversation|tenancy|metering|sessions|batch|config|testing|audio|tools|telemetry|outbox|metrics)$':
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
  ],
};
