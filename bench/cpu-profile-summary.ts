/**
 * Reads a V8 `.cpuprofile` (`node --cpu-prof`) and ranks where the CPU went within a time window: self time
 * per function, self time per package (node internals, each npm package, each `@voxgate/*` lib, the gateway
 * app), the self time of native frames (syscalls such as `writeUtf8String`, `writev`) charged to the nearest
 * JavaScript frame outside Node's internals that led to them, and inclusive time of the project's own
 * functions (the Nest pipeline pieces among them).
 * Percentages are of the window's busy samples ((idle) excluded; (garbage collector) and (program) kept).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** One ranked line: a function or package, its share of busy samples, and its sample count. */
export interface Ranked {
  readonly name: string;
  readonly percent: number;
  readonly samples: number;
}

export interface ProfileSummary {
  /** Samples in the window that were not (idle). */
  readonly busySamples: number;
  readonly idlePercent: number;
  readonly selfByFunction: Ranked[];
  readonly selfByPackage: Ranked[];
  /** Native leaf frames (no script URL), by the first non-`node:` JavaScript frame above them. */
  readonly nativeByCaller: Ranked[];
  /** Inclusive time of functions defined in the project's `dist/` (apps and libs). */
  readonly inclusiveProject: Ranked[];
}

export function packageOf(url: string): string {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) return 'node internals';
  const nodeModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nodeModules?.[1]) return nodeModules[1];
  const lib = /\/dist\/libs\/([^/]+)\//.exec(url);
  if (lib?.[1]) return `@voxgate/${lib[1]}`;
  if (url.includes('/dist/apps/gateway/')) return 'apps/gateway';
  return url;
}

function shortUrl(url: string): string {
  const nodeModules = url.lastIndexOf('node_modules/');
  if (nodeModules >= 0) return url.slice(nodeModules + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + '/dist/'.length);
  return url.replace(/^file:\/\//, '');
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  return url ? `${name} ${shortUrl(url)}:${lineNumber + 1}` : name;
}

function rank(counts: Map<string, number>, total: number, top: number): Ranked[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, samples]) => ({ name, samples, percent: (100 * samples) / total }));
}

/**
 * Summarises `file` over samples taken between `fromUs` and `toUs` (V8 profile clock, microseconds; on
 * Linux the monotonic clock, i.e. `process.hrtime.bigint() / 1000n` of any process); the whole profile
 * when they are omitted.
 */
export function summariseProfile(file: string, fromUs = -Infinity, toUs = Infinity, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const packages = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const natives = new Map<string, number>();
  let time = profile.startTime;
  let busy = 0;
  let idle = 0;
  profile.samples.forEach((id, index) => {
    time += profile.timeDeltas[index] ?? 0;
    if (time < fromUs || time > toUs) return;
    const node = byId.get(id);
    if (!node) return;
    if (node.callFrame.functionName === '(idle)') {
      idle++;
      return;
    }
    busy++;
    const name = label(node);
    self.set(name, (self.get(name) ?? 0) + 1);
    const pkg = node.callFrame.url ? packageOf(node.callFrame.url) : node.callFrame.functionName || '(native / V8)';
    packages.set(pkg, (packages.get(pkg) ?? 0) + 1);
    if (!node.callFrame.url && !node.callFrame.functionName.startsWith('(')) {
      let caller: ProfileNode | undefined;
      for (let at = parent.get(id); at !== undefined && !caller; at = parent.get(at)) {
        const frame = byId.get(at);
        if (frame?.callFrame.url && !frame.callFrame.url.startsWith('node:')) caller = frame;
      }
      const key = `${node.callFrame.functionName || '(native)'} ← ${caller ? label(caller) : '(no JS caller)'}`;
      natives.set(key, (natives.get(key) ?? 0) + 1);
    }
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (!frame?.callFrame.url.includes('/dist/')) continue;
      const frameName = label(frame);
      if (seen.has(frameName)) continue;
      seen.add(frameName);
      inclusive.set(frameName, (inclusive.get(frameName) ?? 0) + 1);
    }
  });
  return {
    busySamples: busy,
    idlePercent: (100 * idle) / Math.max(1, busy + idle),
    selfByFunction: rank(self, busy, top),
    selfByPackage: rank(packages, busy, top),
    nativeByCaller: rank(natives, busy, top),
    inclusiveProject: rank(inclusive, busy, top),
  };
}

export function printSummary(title: string, summary: ProfileSummary): void {
  const lines = (ranked: Ranked[]) =>
    ranked.map((entry) => `     ${entry.percent.toFixed(1).padStart(5)}%  ${entry.name}`).join('\n');
  console.log(
    `${title}: ${summary.busySamples} busy samples, ${summary.idlePercent.toFixed(1)}% of the window idle\n` +
      `   self time by package:\n${lines(summary.selfByPackage.slice(0, 15))}\n` +
      `   self time by function:\n${lines(summary.selfByFunction)}\n` +
      `   native frames by the JavaScript that called them:\n${lines(summary.nativeByCaller.slice(0, 15))}\n` +
      `   inclusive time of the project's functions (apps/, libs/):\n${lines(summary.inclusiveProject)}\n`,
  );
}
