import type { Readable } from 'node:stream';
import { Busboy, type BusboyFileStream } from '@fastify/busboy';
import { Errors, type GatewayError } from '@voxgate/openai-wire';
import { assertFieldName } from './multipart-names';

/** A file part, read whole. */
export interface FormFile {
  readonly filename: string;
  readonly data: Buffer;
}

/**
 * A multipart/form-data body, read completely and checked. Names are keys of `Map`s only, never of an
 * object, and each has passed `assertFieldName`.
 */
export interface MultipartForm {
  readonly fields: ReadonlyMap<string, string>;
  readonly files: ReadonlyMap<string, FormFile>;
  /** Values of the `FormLimits.listFields` names, in order (openai-node sends arrays as repeated `name[]`). */
  readonly lists: ReadonlyMap<string, readonly string[]>;
}

/** What one door accepts, and what it answers when a limit is crossed (in its own words). */
export interface FormLimits {
  /** All parts together, field values included. */
  readonly maxBytes: number;
  readonly maxFileBytes: number;
  readonly maxFiles: number;
  readonly maxFields: number;
  readonly maxFieldBytes: number;
  /** The 413 for a file, or the whole body, over its limit. */
  readonly tooLarge: () => GatewayError;
  readonly tooManyFields: () => GatewayError;
  readonly tooManyFiles: () => GatewayError;
  /** Field names that may repeat (e.g. `timestamp_granularities[]`); collected into `lists`, not `fields`. */
  readonly listFields?: readonly string[];
}

/**
 * Reads a multipart/form-data body with busboy, directly rather than through an iterator, so every
 * failure is seen in order: the promise settles on the parser's first error or on its `finish`, never
 * on the request closing first (which would accept a body cut inside its closing boundary as
 * complete). Rejects with an OpenAI-shaped 400/413 for:
 *
 * - a content type without a boundary, a malformed or truncated body, a part without a name;
 * - a reserved name (`__proto__`, `constructor`, `prototype`, also as a `[segment]`);
 * - a field or file part sent twice;
 * - more fields, files or bytes than `limits` allow.
 *
 * After a rejection the rest of the body is drained, so the connection stays usable.
 */
export function readMultipartForm(source: Readable, contentType: string, limits: FormLimits): Promise<MultipartForm> {
  return new Promise<MultipartForm>((resolve, reject) => {
    let parser: ReturnType<typeof Busboy>;
    try {
      parser = Busboy({
        headers: { 'content-type': contentType },
        limits: {
          fieldSize: limits.maxFieldBytes,
          fileSize: limits.maxFileBytes,
          fields: limits.maxFields,
          files: limits.maxFiles,
          parts: limits.maxFields + limits.maxFiles,
          fieldNameSize: 256,
        },
      });
    } catch (error) {
      reject(Errors.invalidMultipart(describe(error)));
      source.resume();
      return;
    }
    const fields = new Map<string, string>();
    const lists = new Map<string, string[]>();
    const files = new Map<string, FormFile>();
    let total = 0;
    let pendingFiles = 0;
    let finished = false;
    let failed = false;

    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      source.unpipe(parser);
      source.resume();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    const settle = () => {
      if (!failed && finished && pendingFiles === 0) resolve({ fields, files, lists });
    };
    const count = (bytes: number) => {
      total += bytes;
      if (total > limits.maxBytes) fail(limits.tooLarge());
    };
    const claim = (name: string) => {
      assertFieldName(name);
      if (fields.has(name) || files.has(name))
        throw Errors.invalidRequest(`The form field '${name}' was sent more than once.`, name);
    };

    parser.on('field', (name: string, value: string, _nameTruncated: boolean, valueTruncated: boolean) => {
      if (failed) return;
      const listed = limits.listFields?.includes(name) === true;
      try {
        if (!listed || files.has(name)) claim(name);
        if (valueTruncated) throw Errors.fieldTooLarge(name, limits.maxFieldBytes);
      } catch (error) {
        return fail(error);
      }
      if (listed) lists.set(name, [...(lists.get(name) ?? []), value]);
      else fields.set(name, value);
      count(Buffer.byteLength(value));
    });
    parser.on('file', (name: string, stream: BusboyFileStream, filename: string) => {
      if (failed) return void stream.resume();
      try {
        claim(name);
      } catch (error) {
        stream.resume();
        return fail(error);
      }
      pendingFiles++;
      // Reserve the name at once, so a second part with it is a duplicate even while this one streams.
      files.set(name, { filename, data: Buffer.alloc(0) });
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        count(chunk.length);
      });
      stream.on('limit', () => fail(limits.tooLarge()));
      stream.on('error', (error: unknown) => fail(Errors.invalidMultipart(describe(error))));
      stream.on('end', () => {
        pendingFiles--;
        files.set(name, { filename, data: Buffer.concat(chunks) });
        settle();
      });
    });
    parser.on('fieldsLimit', () => fail(limits.tooManyFields()));
    parser.on('partsLimit', () => fail(limits.tooManyFields()));
    parser.on('filesLimit', () => fail(limits.tooManyFiles()));
    parser.on('error', (error: unknown) => fail(Errors.invalidMultipart(describe(error))));
    parser.on('finish', () => {
      finished = true;
      settle();
    });
    source.on('error', (error: unknown) => fail(Errors.invalidMultipart(describe(error))));
    source.pipe(parser);
  });
}

/** Busboy's words, lower-cased and without its prefix: safe to show (they never quote the body). */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .replace(/^Multipart: /, '')
    .replace(/\.$/, '')
    .toLowerCase();
}
