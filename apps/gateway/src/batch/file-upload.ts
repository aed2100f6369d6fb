import { Errors, GatewayError, parseInbound, UploadFileFieldsSchema } from '@voxgate/openai-wire';
import type { UploadFileInput } from '@voxgate/batch';
import type { FastifyRequest } from 'fastify';

/**
 * Reads `POST /v1/files` (multipart: a `file` part and a `purpose` field, optionally openai-node's
 * `expires_after[anchor]` / `expires_after[seconds]`). The file part is streamed and counted, so a file
 * over `maxBytes` is refused with a 413 as soon as the limit is crossed, before it is all read.
 */
export async function readUpload(
  request: FastifyRequest,
  maxBytes: number,
): Promise<Omit<UploadFileInput, 'tenantId'>> {
  if (!request.isMultipart())
    throw Errors.invalidRequest(
      "Upload files as multipart/form-data with a 'file' part and a 'purpose' field.",
      'file',
      'invalid_content_type',
    );
  const fields: Record<string, string> = {};
  let file: { filename: string; content: Buffer } | null = null;
  try {
    for await (const part of request.parts({ limits: { fileSize: maxBytes, files: 1, fields: 8, fieldSize: 1024 } })) {
      if (part.type === 'field') {
        fields[part.fieldname] = String(part.value);
        continue;
      }
      if (part.fieldname !== 'file')
        throw Errors.invalidRequest(
          `Unexpected file part '${part.fieldname}': send the file as 'file'.`,
          part.fieldname,
        );
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of part.file as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBytes) throw Errors.fileTooLarge(maxBytes);
        chunks.push(chunk);
      }
      if (part.file.truncated) throw Errors.fileTooLarge(maxBytes);
      file = { filename: part.filename, content: Buffer.concat(chunks) };
    }
  } catch (error) {
    throw multipartError(error, maxBytes);
  }
  if (!file) throw Errors.invalidRequest("Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
  return { fields: parseInbound(UploadFileFieldsSchema, foldBrackets(fields)), ...file };
}

/** `expires_after[anchor]=…` → `{ expires_after: { anchor: … } }`, as openai-node encodes nested objects. */
function foldBrackets(fields: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    const match = /^([a-z_]+)\[([a-z_]+)\]$/.exec(name);
    if (!match?.[1] || !match[2]) {
      out[name] = value;
      continue;
    }
    const nested = (out[match[1]] ??= {}) as Record<string, unknown>;
    nested[match[2]] = value;
  }
  return out;
}

function multipartError(error: unknown, maxBytes: number): unknown {
  if (error instanceof GatewayError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return Errors.fileTooLarge(maxBytes);
    case 'FST_FILES_LIMIT':
      return Errors.invalidRequest('Upload one file per request.', 'file');
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return Errors.invalidRequest("Too many form fields: send 'file', 'purpose' and optionally 'expires_after'.");
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return Errors.invalidRequest('The multipart body is malformed.', 'file');
  }
  return error;
}
