import path from 'node:path';
import { GgufTextModel, type GgufTextModelOptions } from './gguf-text-model';
import { pulledModelPath } from './pull/model-source';

/** The fields of `@voxgate/config`'s `GgufTextModelConfig` this needs (structural: no dependency on config). */
export interface GgufTextModelSettings {
  path?: string | undefined;
  uri?: string | undefined;
  modelsDir?: string | undefined;
  contextSize: number;
  threads: number;
  parallel: number;
}

/**
 * The file a `textModel: { type: gguf }` config names: `path` as is (relative to `cwd`), or the file
 * `npm run models:pull <uri>` stores under `modelsDir` (else `VOXGATE_MODELS_DIR`, else `models`).
 */
export function ggufModelPath(
  settings: GgufTextModelSettings,
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd = process.cwd(),
): string {
  if (settings.path !== undefined) return path.resolve(cwd, settings.path);
  if (settings.uri === undefined) throw new Error('a gguf text model needs path or uri');
  return pulledModelPath(settings.uri, path.resolve(cwd, settings.modelsDir ?? (env.VOXGATE_MODELS_DIR || 'models')));
}

/** Builds the model for a config entry; nothing loads until the first request (or `load()`). */
export function createGgufTextModel(
  settings: GgufTextModelSettings,
  extra: Omit<GgufTextModelOptions, 'modelPath' | 'contextSize' | 'threads' | 'parallel'> = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd = process.cwd(),
): GgufTextModel {
  return new GgufTextModel({
    ...extra,
    modelPath: ggufModelPath(settings, env, cwd),
    contextSize: settings.contextSize,
    threads: settings.threads,
    parallel: settings.parallel,
    ...(settings.uri !== undefined ? { pullHint: `npm run models:pull ${settings.uri}` } : {}),
  });
}
