import { createHash } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { OPENAPI_SPEC_FIXTURE_PATH } from '../fixtures/fixture-paths';
import { normalizeOpenApiSchema } from './openapi-schema.normalize';

/** JSON Schemas of the spec's `components.schemas`, keyed by component name, already normalized. */
export type ComponentSchemas = Readonly<Record<string, unknown>>;

/** Env variable that points the validator at another copy of the OpenAI spec. */
export const OPENAPI_SPEC_ENV = 'VOXGATE_OPENAPI_SPEC';

/** Bump when `normalizeOpenApiSchema` changes, so stale disk caches are ignored. */
const CACHE_FORMAT = 3;

const loaded = new Map<string, ComponentSchemas>();

/** `$VOXGATE_OPENAPI_SPEC` when set, else the spec vendored in `libs/testing/fixtures/openapi/`. */
export function resolveOpenApiSpecPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[OPENAPI_SPEC_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return path.resolve(fromEnv);
  return OPENAPI_SPEC_FIXTURE_PATH;
}

/**
 * Loads and normalizes `components.schemas` of the spec at `specPath`, once per process and path.
 *
 * Parsing the 3 MB YAML takes close to a second, and Jest gives every spec file a fresh module registry,
 * so the normalized result is also cached as JSON in the OS temp dir, keyed by path, size and mtime.
 */
export function loadComponentSchemas(specPath: string): ComponentSchemas {
  const cached = loaded.get(specPath);
  if (cached !== undefined) return cached;
  const schemas = readDiskCache(specPath) ?? parseSpec(specPath);
  loaded.set(specPath, schemas);
  return schemas;
}

function parseSpec(specPath: string): ComponentSchemas {
  const document: unknown = parse(readFileSync(specPath, 'utf8'), { maxAliasCount: -1 });
  const schemas = readComponentSchemas(document);
  if (schemas === undefined) throw new Error(`${specPath} has no components.schemas`);
  const normalized = normalizeOpenApiSchema(schemas) as ComponentSchemas;
  writeDiskCache(specPath, normalized);
  return normalized;
}

function readComponentSchemas(document: unknown): Record<string, unknown> | undefined {
  const components = isRecord(document) ? document['components'] : undefined;
  const schemas = isRecord(components) ? components['schemas'] : undefined;
  return isRecord(schemas) ? schemas : undefined;
}

function diskCachePath(specPath: string): string {
  const stat = statSync(specPath);
  const key = `${CACHE_FORMAT}:${specPath}:${stat.size}:${stat.mtimeMs}`;
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 16);
  return path.join(tmpdir(), `voxgate-openapi-schemas-${digest}.json`);
}

function readDiskCache(specPath: string): ComponentSchemas | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(diskCachePath(specPath), 'utf8'));
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function writeDiskCache(specPath: string, schemas: ComponentSchemas): void {
  try {
    const target = diskCachePath(specPath);
    // Write-then-rename so a parallel Jest worker never reads a half-written file.
    const partial = `${target}.${process.pid}.partial`;
    writeFileSync(partial, JSON.stringify(schemas));
    renameSync(partial, target);
  } catch {
    // The cache is an optimisation only.
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
