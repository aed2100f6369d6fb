import { z } from 'zod';
import { positiveInt } from './schema-primitives';

/**
 * Where `npm run models:pull` stores models and where `uri` is looked up: `VOXGATE_MODELS_DIR`, else
 * `models/` under the working directory.
 */
export const DEFAULT_MODELS_DIR = 'models';

/** `hf:<user>/<repo>/<file>.gguf` (a file of a Hugging Face repository, `main` branch) or an https URL. */
export const GGUF_URI = /^(hf:[\w.-]+\/[\w.-]+\/(?:[\w.-]+\/)*[\w.-]+\.gguf|https:\/\/\S+)$/;

/**
 * The in-process text model of the local cascade (`textModel: { type: gguf, … }`), run by
 * `@voxgate/local-llm`'s `GgufTextModel` through node-llama-cpp on the CPU. One of the variants of the
 * cascade's `textModel` union (next to `openai-compatible` and `provider`).
 *
 * Exactly one of `path` and `uri`. The gateway never downloads: a `uri` names the file `npm run
 * models:pull <uri>` stored in `modelsDir`, and a model that is not there is a 503 naming the command.
 */
export const GgufTextModelSchema = z
  .strictObject({
    type: z.literal('gguf'),
    /** A GGUF file on disk (absolute, or relative to the working directory). */
    path: z.string().min(1).optional(),
    /** What was pulled: `hf:<user>/<repo>/<file>.gguf` or an `https://` URL of a `.gguf` file. */
    uri: z.string().regex(GGUF_URI, 'must be hf:<user>/<repo>/<file>.gguf or an https:// URL').optional(),
    /** Where pulled models are; defaults to `VOXGATE_MODELS_DIR`, else `models`. */
    modelsDir: z.string().min(1).optional(),
    /** Tokens of context (prompt and answer together) per parallel completion. */
    contextSize: positiveInt.default(4096),
    /** CPU threads for generation: 1 measured fastest on a shared 2-core machine (docs/local-voice.md). */
    threads: positiveInt.default(1),
    /** Completions generated at once; more wait their turn. Each adds `contextSize` of KV cache. */
    parallel: positiveInt.default(1),
    /** GPU offload is not supported: the CPU build is the only one Voxgate ships and tests. */
    gpu: z.literal(false).default(false),
  })
  .refine((model) => (model.path === undefined) !== (model.uri === undefined), {
    message: 'set exactly one of path and uri',
    path: ['path'],
  });
export type GgufTextModelConfig = z.infer<typeof GgufTextModelSchema>;
