import { stat } from 'node:fs/promises';
import path from 'node:path';
import { DownloadError, downloadModel } from './download';
import { ggufHeaderProblem } from './gguf-header';
import { parseModelUri } from './model-source';
import { type ProgressOutput, progressReporter } from './progress';

export interface ModelsPullIo {
  stdout: ProgressOutput;
  stderr: ProgressOutput;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  fetch?: typeof globalThis.fetch;
}

const USAGE = `usage: npm run models:pull -- <uri> [--dir <models dir>] [--sha256 <hex>] [--force]

  <uri>     hf:<user>/<repo>/<file>.gguf  (Hugging Face, main branch; HF_ENDPOINT for a mirror)
            https://<host>/<path>/<file>.gguf
  --dir     where models are stored (default: $VOXGATE_MODELS_DIR, else ./models)
  --sha256  the file's expected sha256 (Hugging Face names it itself)
  --force   download again even if the file is already there
`;

function parseArgs(argv: readonly string[]): { uri: string; dir?: string; sha256?: string; force: boolean } | string {
  let uri: string | undefined;
  let dir: string | undefined;
  let sha256: string | undefined;
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--force') force = true;
    else if (arg === '--dir' || arg === '--sha256') {
      const value = argv[++i];
      if (!value) return `${arg} needs a value`;
      if (arg === '--dir') dir = value;
      else sha256 = value;
    } else if (arg === '--help' || arg === '-h') return '';
    else if (arg.startsWith('-')) return `unknown option ${arg}`;
    else if (uri === undefined) uri = arg;
    else return `one uri at a time (got '${uri}' and '${arg}')`;
  }
  if (!uri) return 'a model uri is required';
  if (sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(sha256)) return '--sha256 must be 64 hex digits';
  return { uri, force, ...(dir ? { dir } : {}), ...(sha256 ? { sha256: sha256.toLowerCase() } : {}) };
}

const snippet = (file: string): string =>
  ['textModel:', '  type: gguf', `  path: ${JSON.stringify(file)}`, ''].map((line) => `  ${line}`).join('\n');

/**
 * `npm run models:pull <uri>`: downloads a GGUF model into the models directory with progress (a bar on
 * a terminal, plain lines otherwise), resumes an interrupted download, refuses a file that is not GGUF or
 * whose sha256 differs, and prints the config that uses it. Returns the exit code: 0 done, 1 refused or
 * failed, 2 usage.
 */
export async function runModelsPull(argv: readonly string[], io: ModelsPullIo): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    io.stderr.write(args ? `models:pull: ${args}\n\n${USAGE}` : USAGE);
    return args ? 2 : 0;
  }
  let source;
  try {
    source = parseModelUri(args.uri, io.env.HF_ENDPOINT || undefined);
  } catch (error) {
    io.stderr.write(`models:pull: ${(error as Error).message}\n`);
    return 2;
  }
  const modelsDir = path.resolve(io.cwd, args.dir ?? (io.env.VOXGATE_MODELS_DIR || 'models'));
  const dest = path.join(modelsDir, source.relativePath);
  const present = await stat(dest).then(
    () => true,
    () => false,
  );
  if (present && !args.force) {
    const problem = await ggufHeaderProblem(dest);
    if (problem) {
      io.stderr.write(`models:pull: ${dest} is there but ${problem}; pull it again with --force\n`);
      return 1;
    }
    io.stdout.write(`models:pull: ${dest} is already there (--force downloads it again).\n\n${snippet(dest)}`);
    return 0;
  }
  io.stdout.write(`models:pull: ${args.uri} → ${dest}\n`);
  try {
    const result = await downloadModel({
      url: source.url,
      dest,
      ...(args.sha256 ? { sha256: args.sha256 } : {}),
      verify: ggufHeaderProblem,
      progress: progressReporter(io.stdout, path.basename(dest)),
      ...(io.fetch ? { fetch: io.fetch } : {}),
    });
    const checked = result.sha256Checked ? 'verified' : 'not verified: no checksum known, pass --sha256 to check it';
    io.stdout.write(
      `models:pull: stored ${(result.bytes / 1_048_576).toFixed(1)} MB` +
        (result.resumedFrom > 0 ? ` (resumed after ${result.resumedFrom} bytes)` : '') +
        `, sha256 ${result.sha256} (${checked}).\n\nUse it in the local provider's config:\n\n${snippet(dest)}`,
    );
    return 0;
  } catch (error) {
    const message = error instanceof DownloadError ? error.message : `download failed: ${(error as Error).message}`;
    io.stderr.write(`models:pull: ${message}\n`);
    return 1;
  }
}
