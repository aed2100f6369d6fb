// Typed lint for the whole monorepo. Lib boundaries (docs/architecture.md: openai-wire ← providers ← conversation
// ← apps) are enforced with no-restricted-imports, so a wrong-way import fails CI rather than review.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const deepImports = {
  group: ['@voxgate/*/*', '**/libs/*/src/**', '../../libs/**', '../../../libs/**'],
  message: 'Import a lib through its public entry (@voxgate/<lib>), never its files.',
};

/** `libs/<name>` may not import the listed libs (nor anything Nest or Redis when `pure`). */
const boundary = (name, forbidden, { pure = false, testSupport = [] } = {}) => ({
  files: [`libs/${name}/**/*.ts`],
  ignores: ['**/*.spec.ts', '**/*.test-d.ts', ...testSupport],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          deepImports,
          ...(forbidden.length
            ? [
                {
                  group: forbidden.map((lib) => `@voxgate/${lib}`),
                  message: `libs/${name} must not depend on these libs.`,
                },
              ]
            : []),
          ...(pure
            ? [
                {
                  group: ['@nestjs/*', 'ioredis', 'bullmq', 'fastify'],
                  message: `libs/${name} stays framework- and I/O-free.`,
                },
              ]
            : []),
        ],
      },
    ],
  },
});

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'jest.config.js',
      'eslint.config.mjs',
      '**/*.test-d.ts',
      'test/support/*.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/require-await': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      // House rule: string-literal unions, never TS enums (they do not survive `z.infer` and erase poorly).
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use a string-literal union.' }],
      'no-restricted-imports': ['error', { patterns: [deepImports] }],
    },
  },
  boundary('openai-wire', ['providers', 'conversation', 'tenancy', 'config', 'testing'], { pure: true }),
  boundary('audio', ['providers', 'conversation', 'tenancy', 'config', 'testing'], { pure: true }),
  boundary('config', ['openai-wire', 'providers', 'conversation', 'tenancy', 'testing'], { pure: true }),
  boundary('providers', ['conversation', 'tenancy', 'testing'], { pure: true }),
  boundary('conversation', ['tenancy', 'testing'], { pure: true }),
  boundary('tenancy', ['providers', 'conversation', 'testing']),
  boundary('tools', ['providers', 'conversation', 'tenancy', 'testing']),
  // Knows neither HTTP nor Nest: lines run through the BatchLineExecutor the apps provide.
  boundary('batch', ['providers', 'conversation', 'tenancy', 'tools', 'testing']),
  // Depends on no other lib: the gateway adapts its shapes (e.g. the conversation's UpstreamCallObserver).
  boundary(
    'telemetry',
    [
      'openai-wire',
      'audio',
      'providers',
      'conversation',
      'tenancy',
      'config',
      'metering',
      'sessions',
      'tools',
      'batch',
      'testing',
    ],
    { pure: true },
  ),
  // A store-agnostic buffer: the app supplies the writer.
  boundary(
    'outbox',
    [
      'openai-wire',
      'audio',
      'providers',
      'conversation',
      'tenancy',
      'config',
      'metering',
      'sessions',
      'tools',
      'batch',
      'telemetry',
      'testing',
    ],
    { pure: true },
  ),
  // The Prometheus registry every part reports into: dependency-free, so any lib may use it.
  boundary(
    'metrics',
    [
      'openai-wire',
      'audio',
      'providers',
      'conversation',
      'tenancy',
      'config',
      'metering',
      'sessions',
      'tools',
      'batch',
      'telemetry',
      'outbox',
      'testing',
    ],
    { pure: true },
  ),
  // Offline engines: may use @voxgate/audio (resampling) and @voxgate/metrics only; native code only in its workers.
  boundary(
    'local-voice',
    [
      'openai-wire',
      'providers',
      'conversation',
      'tenancy',
      'config',
      'metering',
      'sessions',
      'tools',
      'batch',
      'telemetry',
      'outbox',
      'testing',
    ],
    // __fixtures__ holds its test-only helpers (excluded from the build), which read @voxgate/testing's clips.
    { pure: true, testSupport: ['libs/local-voice/src/__fixtures__/**'] },
  ),
  // In-process GGUF text model: the wire types, and the LocalTextModel seam of providers (a type only);
  // node-llama-cpp only in its worker.
  boundary(
    'local-llm',
    [
      'audio',
      'conversation',
      'tenancy',
      'config',
      'metering',
      'sessions',
      'tools',
      'batch',
      'telemetry',
      'outbox',
      'local-voice',
      'testing',
    ],
    { pure: true },
  ),
  {
    files: ['apps/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [deepImports, { group: ['@voxgate/testing'], message: 'libs/testing is for tests only.' }] },
      ],
    },
  },
  {
    // Plain Node scripts: no type information, Node globals.
    files: ['scripts/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false, project: false },
      globals: { console: 'readonly', process: 'readonly' },
    },
  },
  {
    // The playground's browser files, served as they are (no build step): no type information, browser and
    // AudioWorklet globals.
    files: ['apps/gateway/src/playground/assets/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false, project: false },
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'location',
          'navigator',
          'fetch',
          'URL',
          'WebSocket',
          'AudioContext',
          'AudioWorkletNode',
          'atob',
          'btoa',
          'AudioWorkletProcessor',
          'registerProcessor',
          'sampleRate',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    // The user-facing examples: plain Node ES modules, type-checked by examples/tsconfig.json instead.
    files: ['examples/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false, project: false },
      globals: {
        console: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        fetch: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
      },
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
