import path from 'node:path';

/** Where a model comes from and where it is stored under the models directory. */
export interface ModelSource {
  /** What the download requests. */
  url: string;
  /** Path under the models directory: `huggingface.co/<user>/<repo>/<file>` or `<host>/<file>`. */
  relativePath: string;
}

const HF = /^hf:([\w.-]+)\/([\w.-]+)\/((?:[\w.-]+\/)*[\w.-]+\.gguf)$/;

function safeSegments(segments: readonly string[], uri: string): string[] {
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new Error(`'${uri}' has an empty, '.' or '..' path segment`);
  }
  return [...segments];
}

/**
 * Parses `hf:<user>/<repo>/<file>.gguf` (a file on the `main` branch of a Hugging Face repository,
 * fetched from `hfEndpoint`, default `https://huggingface.co`, or `HF_ENDPOINT` for a mirror) or an
 * `https://` URL whose path ends in a file name. Throws an `Error` saying what is wrong otherwise.
 */
export function parseModelUri(uri: string, hfEndpoint = 'https://huggingface.co'): ModelSource {
  const hf = HF.exec(uri);
  if (hf) {
    const [, user, repo, file] = hf as unknown as [string, string, string, string];
    const segments = safeSegments([user, repo, ...file.split('/')], uri);
    const endpoint = hfEndpoint.replace(/\/+$/, '');
    return {
      url: `${endpoint}/${user}/${repo}/resolve/main/${file.split('/').map(encodeURIComponent).join('/')}`,
      relativePath: path.join('huggingface.co', ...segments),
    };
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new Error(`'${uri}' is neither hf:<user>/<repo>/<file>.gguf nor an https:// URL`);
  }
  if (url.protocol !== 'https:') throw new Error(`'${uri}' is not https: models are only fetched over TLS`);
  const file = decodeURIComponent(url.pathname.split('/').pop() ?? '');
  if (!/^[\w.-]+$/.test(file)) throw new Error(`'${uri}' does not end in a file name`);
  return { url: url.href, relativePath: path.join(...safeSegments([url.hostname, file], uri)) };
}

/** The local file `npm run models:pull <uri>` stores `uri` in, under `modelsDir`. */
export function pulledModelPath(uri: string, modelsDir: string): string {
  return path.resolve(modelsDir, parseModelUri(uri).relativePath);
}
