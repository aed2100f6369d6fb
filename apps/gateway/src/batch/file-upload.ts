import { Errors, parseInbound, UploadFileFieldsSchema } from '@voxgate/openai-wire';
import type { UploadFileInput } from '@voxgate/batch';
import type { FastifyRequest } from 'fastify';
import { readMultipartForm } from '../http/multipart-form';
import { isMultipartForm } from '../http/multipart-names';

/** `purpose`, `expires_after[anchor]`, `expires_after[seconds]` and a little room for SDK extras. */
const MAX_FIELDS = 8;
const MAX_FIELD_BYTES = 1024;

/**
 * Reads `POST /v1/files` (multipart: a `file` part and a `purpose` field, optionally openai-node's
 * `expires_after[anchor]` / `expires_after[seconds]`). The file part is streamed and counted, so a file
 * over `maxBytes` is refused with a 413 as soon as the limit is crossed, before it is all read.
 */
export async function readUpload(
  request: FastifyRequest,
  maxBytes: number,
): Promise<Omit<UploadFileInput, 'tenantId'>> {
  const contentType = request.headers['content-type'];
  if (!isMultipartForm(contentType))
    throw Errors.invalidRequest(
      "Upload files as multipart/form-data with a 'file' part and a 'purpose' field.",
      'file',
      'invalid_content_type',
    );
  const form = await readMultipartForm(request.raw, contentType, {
    maxBytes: maxBytes + MAX_FIELDS * MAX_FIELD_BYTES,
    maxFileBytes: maxBytes,
    maxFieldBytes: MAX_FIELD_BYTES,
    maxFiles: 1,
    maxFields: MAX_FIELDS,
    tooLarge: () => Errors.fileTooLarge(maxBytes),
    tooManyFiles: () => Errors.invalidRequest('Upload one file per request.', 'file'),
    tooManyFields: () =>
      Errors.invalidRequest("Too many form fields: send 'file', 'purpose' and optionally 'expires_after'."),
  });
  const [name, file] = [...form.files][0] ?? [];
  if (!file) throw Errors.invalidRequest("Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
  if (name !== 'file')
    throw Errors.invalidRequest(`Unexpected file part '${name}': send the file as 'file'.`, name ?? null);
  return {
    fields: parseInbound(UploadFileFieldsSchema, foldBrackets(form.fields)),
    filename: file.filename,
    content: file.data,
  };
}

/**
 * `expires_after[anchor]=…` → `{ expires_after: { anchor: … } }`, as openai-node encodes nested objects.
 * Built on null-prototype objects from names already checked by `assertFieldName`, so no field name can
 * reach `Object.prototype`; a name that is both plain and bracketed is a 400, not a silent overwrite.
 */
function foldBrackets(fields: ReadonlyMap<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of fields) {
    const match = /^([a-z_]+)\[([a-z_]+)\]$/.exec(name);
    if (!match?.[1] || !match[2]) {
      if (name in out) throw Errors.invalidRequest(`The form field '${name}' was sent more than once.`, name);
      out[name] = value;
      continue;
    }
    const existing = out[match[1]];
    if (existing !== undefined && (typeof existing !== 'object' || existing === null))
      throw Errors.invalidRequest(`The form field '${match[1]}' was sent both plain and nested.`, name);
    const nested = (existing ?? (out[match[1]] = Object.create(null))) as Record<string, unknown>;
    nested[match[2]] = value;
  }
  return out;
}
