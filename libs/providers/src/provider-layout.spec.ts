import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * libs/providers/README.md: each provider folder holds `<name>.api.ts`, `<name>.adapter.ts`,
 * `<name>.adapter.spec.ts` and `__fixtures__/`.
 */
const root = __dirname;
const providerFolders = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== '__fixtures__')
  .map((entry) => entry.name);

describe('libs/providers layout', () => {
  it('has at least the openai-compatible provider folder', () => {
    expect(providerFolders).toContain('openai-compatible');
  });

  it.each(providerFolders)('%s/ holds its api, adapter, adapter spec and __fixtures__/', (name) => {
    const folder = path.join(root, name);
    const present = new Set(readdirSync(folder));
    const missing = [`${name}.api.ts`, `${name}.adapter.ts`, `${name}.adapter.spec.ts`].filter(
      (file) => !present.has(file),
    );
    expect(missing).toEqual([]);
    expect(present.has('__fixtures__') && statSync(path.join(folder, '__fixtures__')).isDirectory()).toBe(true);
  });
});
