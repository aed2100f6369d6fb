import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isMap, parseAllDocuments } from 'yaml';
import { GatewayConfigSchema } from './config.schema';
import { loadConfig } from './load-config';

/**
 * Every ```yaml block of the repository's Markdown (README, CONTRIBUTING, docs/, lib READMEs) must parse,
 * and every block that sets config keys must boot as a `VOXGATE_CONFIG` file over the real
 * config/default.yaml, so an example a reader copies cannot fail at boot.
 */
const REPOSITORY = path.resolve(__dirname, '../../..');
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'coverage', '.git']);
const CONFIG_KEYS = new Set(Object.keys(GatewayConfigSchema.shape));

interface YamlBlock {
  /** `docs/configuration.md:31`: file and line of the opening fence. */
  where: string;
  text: string;
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : markdownFiles(path.join(dir, entry.name));
    return entry.name.endsWith('.md') ? [path.join(dir, entry.name)] : [];
  });
}

function yamlBlocks(file: string): YamlBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: YamlBlock[] = [];
  let open: { line: number; indent: string; body: string[] } | undefined;
  lines.forEach((line, index) => {
    if (open === undefined) {
      const fence = /^(\s*)```ya?ml\s*$/.exec(line);
      if (fence) open = { line: index + 1, indent: fence[1] ?? '', body: [] };
    } else if (/^\s*```\s*$/.test(line)) {
      blocks.push({ where: `${path.relative(REPOSITORY, file)}:${open.line}`, text: open.body.join('\n') });
      open = undefined;
    } else {
      open.body.push(line.startsWith(open.indent) ? line.slice(open.indent.length) : line);
    }
  });
  return blocks;
}

/** Every `${NAME}` the block reads, set to a placeholder, as a deployment would set them. */
function environmentFor(text: string): Record<string, string> {
  const names = [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1] ?? '');
  return Object.fromEntries(names.map((name) => [name, `example-${name.toLowerCase()}`]));
}

function setsConfigKeys(text: string): boolean {
  const [document] = parseAllDocuments(text);
  const root = document && !Array.isArray(document) ? document.contents : null;
  return isMap(root) && root.items.some((pair) => CONFIG_KEYS.has(String(pair.key)));
}

const blocks = markdownFiles(REPOSITORY).flatMap(yamlBlocks);
const configBlocks = blocks.filter((block) => setsConfigKeys(block.text));

describe('YAML examples in the docs', () => {
  it('are found (the guides in docs/ have config examples)', () => {
    expect(configBlocks.filter((block) => block.where.startsWith('docs/')).length).toBeGreaterThanOrEqual(3);
  });

  it.each(blocks.map((block) => [block.where, block] as const))('%s is valid YAML', (_where, block) => {
    const errors = parseAllDocuments(block.text).flatMap((document) =>
      Array.isArray(document) ? [] : document.errors.map((error) => error.message),
    );
    expect(errors).toEqual([]);
  });

  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it.each(configBlocks.map((block) => [block.where, block] as const))(
    '%s boots as a VOXGATE_CONFIG file over config/default.yaml',
    (_where, block) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'voxgate-docs-yaml-'));
      dirs.push(dir);
      const file = path.join(dir, 'example.yaml');
      writeFileSync(file, block.text);
      const env = { ...environmentFor(block.text), VOXGATE_CONFIG: file };
      expect(() => loadConfig({ configDir: path.join(REPOSITORY, 'config'), env })).not.toThrow();
    },
  );
});
