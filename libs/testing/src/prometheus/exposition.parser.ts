/**
 * A strict, independent reader of the Prometheus text exposition format 0.0.4, for tests: it throws on
 * anything a Prometheus server would reject (a malformed line, a bad escape, a sample before or outside
 * its `# TYPE`, a family declared twice), and hands back every sample with its labels unescaped.
 */

export interface ExpositionSample {
  /** The sample's own name (`x_bucket`, `x_sum`, `x_count` for a histogram `x`). */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface ExpositionFamily {
  readonly name: string;
  readonly type: string;
  readonly help: string;
  readonly samples: ExpositionSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const SUFFIXES: Record<string, readonly string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

/** Every family of `text`, by name. */
export function parseExposition(text: string): Map<string, ExpositionFamily> {
  if (text !== '' && !text.endsWith('\n')) throw new Error('exposition must end with a line feed');
  const families = new Map<string, ExpositionFamily>();
  const help = new Map<string, string>();
  let current: ExpositionFamily | null = null;
  text.split('\n').forEach((line, index) => {
    const where = `line ${index + 1}: ${JSON.stringify(line)}`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
      if (!comment) return; // a plain comment
      const [, kind, name, rest] = comment as unknown as [string, string, string, string];
      if (kind === 'HELP') {
        if (help.has(name)) throw new Error(`second HELP for ${name} at ${where}`);
        help.set(name, unescape(rest, false, where));
        return;
      }
      if (!(rest in SUFFIXES)) throw new Error(`unknown type at ${where}`);
      if (families.has(name)) throw new Error(`family ${name} declared twice at ${where}`);
      current = { name, type: rest, help: help.get(name) ?? '', samples: [] };
      families.set(name, current);
      return;
    }
    const sample = parseSample(line, where);
    const family: ExpositionFamily | null = current;
    if (!family || !SUFFIXES[family.type]!.some((suffix) => sample.name === family.name + suffix))
      throw new Error(`sample outside its family's TYPE block at ${where}`);
    family.samples.push(sample);
  });
  return families;
}

/**
 * The value of the sample `name` whose labels are exactly `labels`; `undefined` when there is none.
 * Throws when several match (a duplicate series).
 */
export function sampleValue(
  families: Map<string, ExpositionFamily>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const matching = [...families.values()]
    .flatMap((family) => family.samples)
    .filter((sample) => sample.name === name && sameLabels(sample.labels, labels));
  if (matching.length > 1) throw new Error(`duplicate series ${name}${JSON.stringify(labels)}`);
  return matching[0]?.value;
}

/** The samples named `name` whose labels include `labels` (a subset match). */
export function samplesOf(
  families: Map<string, ExpositionFamily>,
  name: string,
  labels: Record<string, string> = {},
): ExpositionSample[] {
  return [...families.values()]
    .flatMap((family) => family.samples)
    .filter(
      (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    );
}

function sameLabels(actual: Readonly<Record<string, string>>, expected: Record<string, string>): boolean {
  const keys = Object.keys(actual);
  return keys.length === Object.keys(expected).length && keys.every((key) => actual[key] === expected[key]);
}

function parseSample(line: string, where: string): ExpositionSample {
  const name = NAME.exec(line)?.[0];
  if (!name) throw new Error(`bad metric name at ${where}`);
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    while (!rest.startsWith('}')) {
      const label = LABEL_NAME.exec(rest)?.[0];
      if (!label || !rest.slice(label.length).startsWith('="')) throw new Error(`bad label at ${where}`);
      rest = rest.slice(label.length + 2);
      let raw = '';
      for (;;) {
        const character = rest[0];
        if (character === undefined) throw new Error(`unterminated label value at ${where}`);
        if (character === '"') break;
        if (character === '\\') {
          raw += rest.slice(0, 2);
          rest = rest.slice(2);
        } else {
          raw += character;
          rest = rest.slice(1);
        }
      }
      rest = rest.slice(1);
      if (label in labels) throw new Error(`label ${label} twice at ${where}`);
      labels[label] = unescape(raw, true, where);
      if (rest.startsWith(',')) rest = rest.slice(1);
      else if (!rest.startsWith('}')) throw new Error(`expected , or } at ${where}`);
    }
    rest = rest.slice(1);
  }
  const value = /^ (\S+)(?: (-?\d+))?$/.exec(rest);
  if (!value) throw new Error(`bad value at ${where}`);
  return { name, labels, value: parseNumber(value[1]!, where) };
}

function parseNumber(text: string, where: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`bad number at ${where}`);
  return Number(text);
}

/** Undoes `\\`, `\n` and (in label values only) `\"`; any other escape is an error. */
function unescape(text: string, quoted: boolean, where: string): string {
  return text.replace(/\\(.?)/g, (_match, next: string) => {
    if (next === '\\') return '\\';
    if (next === 'n') return '\n';
    if (next === '"' && quoted) return '"';
    throw new Error(`bad escape \\${next} at ${where}`);
  });
}
