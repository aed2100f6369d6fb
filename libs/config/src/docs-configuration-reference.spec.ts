import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { GatewayConfigSchema } from './config.schema';

/**
 * docs/configuration.md is the configuration reference: a `## \`<section>\`` heading per top-level key of
 * the schema, and every key below it named (as `` `key` `` or `` `parent.key` ``) in its section, so a new
 * config key cannot ship undocumented.
 */
const REFERENCE = readFileSync(path.resolve(__dirname, '../../../docs/configuration.md'), 'utf8');

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  valueType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
}
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The object shape a schema holds, through defaults, optionals, transforms, records, arrays and unions. */
function shapeOf(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const def = defOf(schema);
  if (def.type === 'object') return def.shape;
  // A union of objects (`providers`: `type: openai` | `type: local`): every option's keys.
  if (def.type === 'union') {
    const shapes = (def.options ?? []).map((option) => shapeOf(option) ?? {});
    return shapes.reduce<Record<string, z.ZodType>>((all, shape) => ({ ...all, ...shape }), {});
  }
  const inner = def.innerType ?? def.in ?? def.valueType ?? def.element;
  return inner ? shapeOf(inner) : undefined;
}

/** Every key below `schema`, as `key` and as its dotted path below the section (`loop.maxRounds`). */
function keysOf(schema: z.ZodType, prefix = ''): { key: string; dotted: string }[] {
  return Object.entries(shapeOf(schema) ?? {}).flatMap(([key, child]) => [
    { key, dotted: `${prefix}${key}` },
    ...keysOf(child, `${prefix}${key}.`),
  ]);
}

/** The text of `## \`section\`` up to the next `## ` heading. */
function sectionText(section: string): string | undefined {
  const start = REFERENCE.indexOf(`\n## \`${section}\`\n`);
  if (start < 0) return undefined;
  const end = REFERENCE.indexOf('\n## ', start + 1);
  return REFERENCE.slice(start, end < 0 ? undefined : end);
}

const sections = Object.entries(GatewayConfigSchema.shape);

describe('docs/configuration.md', () => {
  it.each(sections.map(([section]) => section))('has a section for `%s`', (section) => {
    expect(sectionText(section)).toBeDefined();
  });

  it.each(
    sections.flatMap(([section, schema]) =>
      keysOf(schema).map(({ key, dotted }) => [`${section}.${dotted}`, section, key, dotted]),
    ),
  )('documents %s', (_name, section, key, dotted) => {
    const text = sectionText(section) ?? '';
    expect(text.includes(`\`${key}\``) || text.includes(`\`${dotted}\``)).toBe(true);
  });
});
