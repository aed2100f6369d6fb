import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Every relative link of the repository's Markdown (README, CONTRIBUTING, docs/, examples/, lib READMEs)
 * must lead somewhere: the file or folder exists, and a `#fragment` into a Markdown file names one of its
 * headings (GitHub's anchors). Links to other sites are not fetched.
 */
const REPOSITORY = path.resolve(__dirname, '../../../..');
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'coverage', '.git']);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : markdownFiles(path.join(dir, entry.name));
    return entry.name.endsWith('.md') ? [path.join(dir, entry.name)] : [];
  });
}

/** The file's lines outside fenced code blocks, with inline code blanked out. */
function proseLines(text: string): { line: number; text: string }[] {
  const lines: { line: number; text: string }[] = [];
  let fence: string | undefined;
  text.split('\n').forEach((line, index) => {
    const opening = /^\s*(```+|~~~+)/.exec(line);
    if (fence === undefined && opening) fence = opening[1];
    else if (fence !== undefined && line.trim().startsWith(fence)) fence = undefined;
    else if (fence === undefined) lines.push({ line: index + 1, text: line });
  });
  return lines;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text: line } of proseLines(text)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const plain = (heading[1] ?? '')
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .toLowerCase();
    const slug = plain.replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

interface Link {
  /** `docs/batch.md:12`: file and line of the link. */
  where: string;
  from: string;
  target: string;
}

function links(file: string): Link[] {
  const found: Link[] = [];
  for (const { line, text } of proseLines(readFileSync(file, 'utf8'))) {
    const prose = text.replace(/`[^`]*`/g, (code) => ' '.repeat(code.length));
    const targets = [
      ...[...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1] ?? ''),
      ...[...prose.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/g)].map((match) => match[1] ?? ''),
    ];
    for (const target of targets) {
      found.push({ where: `${path.relative(REPOSITORY, file)}:${line}`, from: file, target });
    }
  }
  return found;
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');

/** Why `link` leads nowhere, or undefined when it resolves. */
export function brokenReason(link: Link): string | undefined {
  const [pathPart = '', fragment] = link.target.split('#', 2);
  const file = pathPart === '' ? link.from : path.resolve(path.dirname(link.from), decodeURIComponent(pathPart));
  if (!file.startsWith(REPOSITORY)) return `${link.target} leaves the repository`;
  if (!existsSync(file)) return `${path.relative(REPOSITORY, file)} does not exist`;
  if (fragment === undefined || fragment === '' || !file.endsWith('.md') || statSync(file).isDirectory())
    return undefined;
  const anchors = headingAnchors(readFileSync(file, 'utf8'));
  return anchors.has(decodeURIComponent(fragment).toLowerCase())
    ? undefined
    : `${path.relative(REPOSITORY, file)} has no heading #${fragment} (it has: ${[...anchors].join(', ')})`;
}

const relativeLinks = markdownFiles(REPOSITORY)
  .flatMap(links)
  .filter((link) => !isExternal(link.target));

describe('relative links in the Markdown docs', () => {
  it('are found (the README links to the guides)', () => {
    const fromReadme = relativeLinks.filter((link) => link.where.startsWith('README.md:')).map((link) => link.target);
    expect(fromReadme).toEqual(expect.arrayContaining(['docs/configuration.md', 'CONTRIBUTING.md']));
  });

  it('computes GitHub heading anchors', () => {
    const anchors = headingAnchors(
      '# Title\n## `server`\n```\n# not a heading\n```\n## Sessions in batches (Voxgate extension)\n## Title\n',
    );
    expect([...anchors]).toEqual(['title', 'server', 'sessions-in-batches-voxgate-extension', 'title-1']);
  });

  it('flags a missing file and a missing heading', () => {
    const from = path.join(REPOSITORY, 'README.md');
    expect(brokenReason({ where: 'x', from, target: 'docs/no-such-guide.md' })).toMatch(/does not exist/);
    expect(brokenReason({ where: 'x', from, target: 'CONTRIBUTING.md#no-such-heading' })).toMatch(/no heading/);
    expect(brokenReason({ where: 'x', from, target: 'CONTRIBUTING.md#commands' })).toBeUndefined();
  });

  it.each(relativeLinks.map((link) => [link.where, link.target, link] as const))(
    '%s → %s resolves',
    (_where, _target, link) => {
      expect(brokenReason(link)).toBeUndefined();
    },
  );
});
