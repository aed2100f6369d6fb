import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { applyOfflineModels } from './offline-models';
import { crossCheckConfig, type GatewayConfig, GatewayConfigSchema } from './config.schema';
import { interpolate, InterpolationError } from './interpolate';
import { mergeConfig } from './merge';

/** Thrown at boot; `message` lists every bad key, one per line, and never echoes values (they may be secrets). */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** Directory holding `default.yaml`. */
  configDir: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Layers, later wins: `default.yaml` → the file in `VOXGATE_CONFIG` → `HOST`, `PORT`, `VOXGATE_WORKERS`,
 * `REDIS_URL`, `VOXGATE_REDIS_PREFIX` and `VOXGATE_ADMIN_KEY` from the environment.
 */
export function loadConfig({ configDir, env }: LoadConfigOptions): GatewayConfig {
  const layers = [readYaml(path.join(configDir, 'default.yaml'))];
  if (env.VOXGATE_CONFIG) layers.push(readYaml(path.resolve(env.VOXGATE_CONFIG)));
  layers.push(fromEnvironment(env));
  const merged = layers.reduce<unknown>((base, layer) => mergeConfig(base, layer), {});

  let interpolated: unknown;
  try {
    interpolated = interpolate(merged, env);
  } catch (error) {
    if (error instanceof InterpolationError) throw new ConfigError(`Invalid configuration:\n  - ${error.message}`);
    throw error;
  }
  const result = GatewayConfigSchema.safeParse(interpolated);
  const issues = [...(result.success ? [] : result.error.issues), ...crossCheckConfig(interpolated)];
  if (issues.length > 0 || !result.success) throw new ConfigError(`Invalid configuration:\n${formatIssues(issues)}`);
  return applyOfflineModels(result.data);
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return parse(text) ?? {};
  } catch (error) {
    // The parser's message quotes the surrounding lines, which may hold secrets: report the position only.
    const position = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    const code = (error as { code?: string }).code ?? 'YAML_ERROR';
    const where = position ? ` at line ${position.line}, column ${position.col}` : '';
    throw new ConfigError(`Config file ${file} is not valid YAML${where} (${code}).`);
  }
}

function fromEnvironment(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const defined = (entries: Record<string, string | undefined>) =>
    Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined && value !== ''));
  return {
    server: defined({ host: env.HOST, port: env.PORT, workers: env.VOXGATE_WORKERS }),
    redis: {
      ...defined({ url: env.REDIS_URL, keyPrefix: env.VOXGATE_REDIS_PREFIX }),
      ...(env.VOXGATE_OUTBOX_FILE ? { outbox: { file: env.VOXGATE_OUTBOX_FILE } } : {}),
    },
    admin: defined({ key: env.VOXGATE_ADMIN_KEY }),
  };
}

function formatIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .map((issue) => {
      const key = issue.path.map(String).join('.') || '(root)';
      return `  - ${key}: ${issue.message}`;
    })
    .join('\n');
}
