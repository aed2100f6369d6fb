import multipart from '@fastify/multipart';
import { Errors } from '@voxgate/openai-wire';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** `"@name"` in an `input_audio.data` refers to the file part called `name`. */
const REFERENCE = /^@([A-Za-z0-9_.-]{1,64})$/;

/**
 * Multipart upload of `POST /v1/chat/completions`, for front ends that send raw audio instead of base64
 * (a third fewer bytes on the wire):
 *
 * - a field `request`: the usual JSON body, where an `input_audio.data` may be `"@<part>"`;
 * - one file part per referenced audio, named `<part>`, holding the raw bytes.
 *
 * The parts are folded back into the JSON body (references replaced by base64) before validation, so
 * everything after this point sees an ordinary request. Unknown fields, unreferenced or missing parts
 * are 400s; the whole upload counts against the body limit.
 */
export async function registerMultipartChat(fastify: FastifyInstance, bodyLimit: number): Promise<void> {
  await fastify.register(multipart, { limits: { fileSize: bodyLimit, files: 32, fields: 1, fieldSize: bodyLimit } });
  fastify.addHook('preValidation', async (request) => {
    if (!request.isMultipart() || request.url.split('?')[0] !== '/v1/chat/completions') return;
    request.body = await foldParts(request);
  });
}

async function foldParts(request: FastifyRequest): Promise<unknown> {
  let json: string | null = null;
  const files = new Map<string, Buffer>();
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      if (files.has(part.fieldname))
        throw Errors.invalidRequest(`Duplicate file part '${part.fieldname}'.`, part.fieldname);
      files.set(part.fieldname, await part.toBuffer());
    } else if (part.fieldname === 'request' && typeof part.value === 'string') {
      json = part.value;
    } else {
      throw Errors.invalidRequest(
        `Unexpected form field '${part.fieldname}': send the JSON body as the field 'request'.`,
        part.fieldname,
      );
    }
  }
  if (json === null)
    throw Errors.invalidRequest(
      "Missing required form field 'request' (the JSON body).",
      'request',
      'missing_required_parameter',
    );
  let body: unknown;
  try {
    body = JSON.parse(json);
  } catch (error) {
    throw Errors.invalidJson(`the form field 'request' is not JSON (${(error as Error).message})`);
  }
  const used = new Set<string>();
  replaceReferences(body, files, used);
  const unused = [...files.keys()].filter((name) => !used.has(name));
  if (unused.length)
    throw Errors.invalidRequest(
      `File part '${unused[0]}' is not referenced as "@${unused[0]}" in the request.`,
      unused[0] ?? null,
    );
  return body;
}

function replaceReferences(body: unknown, files: ReadonlyMap<string, Buffer>, used: Set<string>): void {
  const messages = (body as { messages?: unknown })?.messages;
  if (!Array.isArray(messages)) return;
  messages.forEach((message: unknown, messageIndex) => {
    const content = (message as { content?: unknown })?.content;
    if (!Array.isArray(content)) return;
    content.forEach((part: unknown, partIndex) => {
      const audio = (part as { input_audio?: { data?: unknown } })?.input_audio;
      const match = typeof audio?.data === 'string' ? REFERENCE.exec(audio.data) : null;
      if (!audio || !match?.[1]) return;
      const file = files.get(match[1]);
      if (!file) {
        throw Errors.invalidRequest(
          `No file part named '${match[1]}' was uploaded.`,
          `messages[${messageIndex}].content[${partIndex}].input_audio.data`,
        );
      }
      used.add(match[1]);
      audio.data = file.toString('base64');
    });
  });
}
