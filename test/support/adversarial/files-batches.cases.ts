import {
  type AttackCase,
  type AttackContext,
  BOUNDARY,
  form,
  formBody,
  json,
  nestedArrayText,
  RESERVED,
} from './attack-case';

const FILES = '/v1/files';
const BATCHES = '/v1/batches';
const LINE = JSON.stringify({
  custom_id: 'a',
  method: 'POST',
  url: '/v1/chat/completions',
  body: { model: 'gpt-4o-audio-preview', messages: [{ role: 'user', content: 'x' }] },
});
const jsonl = (text: string) => ({
  name: 'file',
  data: text,
  filename: 'input.jsonl',
  contentType: 'application/jsonl',
});

/** `POST /v1/files` uploads that are broken, oversize, overfull or name reserved fields. */
export function fileUploadCases(context: AttackContext): AttackCase[] {
  const valid = formBody([{ name: 'purpose', data: 'batch' }, jsonl(LINE)]);
  const cases: AttackCase[] = [
    form('files without boundary', FILES, valid, 400, { contentType: 'multipart/form-data' }),
    form('files with a foreign boundary', FILES, valid, 400, { contentType: 'multipart/form-data; boundary=nope' }),
    form('files empty multipart body', FILES, Buffer.alloc(0), 400),
    form('files without file', FILES, formBody([{ name: 'purpose', data: 'batch' }]), 400),
    form('files without purpose', FILES, formBody([jsonl(LINE)]), 400),
    form('files unknown purpose', FILES, formBody([{ name: 'purpose', data: 'world-domination' }, jsonl(LINE)]), 400),
    form('files two files', FILES, formBody([{ name: 'purpose', data: 'batch' }, jsonl(LINE), jsonl(LINE)]), 400),
    form(
      'files file under another name',
      FILES,
      formBody([
        { name: 'purpose', data: 'batch' },
        { ...jsonl(LINE), name: 'upload' },
      ]),
      400,
    ),
    form(
      'files purpose twice',
      FILES,
      formBody([{ name: 'purpose', data: 'batch' }, { name: 'purpose', data: 'batch' }, jsonl(LINE)]),
      400,
    ),
    form(
      'files too many fields',
      FILES,
      formBody([...Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, data: 'x' })), jsonl(LINE)]),
      400,
    ),
    form(
      'files field over its size limit',
      FILES,
      formBody([{ name: 'purpose', data: 'b'.repeat(5_000) }, jsonl(LINE)]),
      413,
    ),
    form(
      'files file over the limit',
      FILES,
      formBody([{ name: 'purpose', data: 'batch' }, jsonl('x'.repeat(context.bodyLimit * 2))]),
      413,
    ),
    form(
      'files expires_after with a bad anchor',
      FILES,
      formBody([
        { name: 'purpose', data: 'batch' },
        { name: 'expires_after[anchor]', data: 'tomorrow' },
        { name: 'expires_after[seconds]', data: '3600' },
        jsonl(LINE),
      ]),
      400,
    ),
    form(
      'files expires_after seconds not a number',
      FILES,
      formBody([
        { name: 'purpose', data: 'batch' },
        { name: 'expires_after[anchor]', data: 'created_at' },
        { name: 'expires_after[seconds]', data: 'soon' },
        jsonl(LINE),
      ]),
      400,
    ),
    form(
      'files expires_after both plain and nested',
      FILES,
      formBody([
        { name: 'purpose', data: 'batch' },
        { name: 'expires_after', data: 'x' },
        { name: 'expires_after[anchor]', data: 'created_at' },
        jsonl(LINE),
      ]),
      400,
    ),
    form(
      'files unknown nested field',
      FILES,
      formBody([{ name: 'purpose', data: 'batch' }, { name: 'limits[bytes]', data: '1' }, jsonl(LINE)]),
      400,
    ),
    form('files not multipart', FILES, Buffer.from(LINE), 400, { contentType: 'application/json' }),
    form('files multipart/mixed', FILES, valid, 415, { contentType: `multipart/mixed; boundary=${BOUNDARY}` }),
    form(
      'files garbage part headers',
      FILES,
      Buffer.from(`--${BOUNDARY}\r\n\u0000bad\r\n\r\nx\r\n--${BOUNDARY}--\r\n`),
      400,
    ),
  ];
  for (const cut of [5, 50, 120, valid.length - 20, valid.length - 4]) {
    cases.push(form(`files truncated at ${cut} bytes`, FILES, valid.subarray(0, cut), 400));
  }
  for (const key of RESERVED) {
    for (const name of [key, `${key}[polluted]`, `expires_after[${key}]`, `${key}[prototype]`]) {
      cases.push(
        form(
          `files field named '${name}'`,
          FILES,
          formBody([{ name: 'purpose', data: 'batch' }, { name, data: 'yes' }, jsonl(LINE)]),
          400,
        ),
      );
    }
    cases.push(
      form(
        `files file part named '${key}'`,
        FILES,
        formBody([
          { name: 'purpose', data: 'batch' },
          { ...jsonl(LINE), name: key },
        ]),
        400,
      ),
    );
  }
  return cases;
}

/** Lookups and listings of files and batches with malformed ids and queries. */
export function fileAndBatchReadCases(): AttackCase[] {
  const get = (name: string, path: string, status: AttackCase['status'], method = 'GET'): AttackCase => ({
    name,
    method,
    path,
    as: 'tenant',
    status,
  });
  const cases: AttackCase[] = [];
  for (const [prefix, kind] of [
    [FILES, 'files'],
    [BATCHES, 'batches'],
  ] as const) {
    for (const query of [
      'limit=-1',
      'limit=abc',
      'limit=100000',
      'order=sideways',
      'limit=1&limit=2',
      '__proto__[x]=1',
      'constructor=1',
      'after=%ff%fe',
    ]) {
      cases.push(
        get(
          `${kind} list ?${query}`,
          `${prefix}?${query}`,
          kind === 'batches' && query.startsWith('after') ? [400, 404] : 400,
        ),
      );
    }
    for (const [label, id] of [
      ['unknown id', 'file-does-not-exist'],
      ['id of 120 characters', 'x'.repeat(120)],
      ['id of 500 characters', 'x'.repeat(500)],
      ['id with dots', '..'],
      ['id __proto__', '__proto__'],
      ['id constructor', 'constructor'],
      ['id with encoded slash', 'a%2Fb'],
      ['id with encoded NUL', 'a%00b'],
    ] as const) {
      cases.push(get(`${kind} get ${label}`, `${prefix}/${id}`, 404));
    }
    cases.push(
      get(`${kind} get malformed percent-encoding`, `${prefix}/%ff`, [400, 404]),
      get(`${kind} get lone percent`, `${prefix}/%`, 400, 'GET'),
      get(`${kind} get id longer than any path parameter`, `${prefix}/${'y'.repeat(600)}`, 414),
    );
  }
  cases.push(
    get('files content of unknown file', `${FILES}/file-nope/content`, 404),
    get('files delete unknown file', `${FILES}/file-nope`, 404, 'DELETE'),
    get('batches cancel unknown batch', `${BATCHES}/batch_nope/cancel`, 404, 'POST'),
  );
  return cases;
}

/** `POST /v1/batches` bodies that OpenAI's schema or Voxgate's rules refuse. */
export function batchCreateCases(): AttackCase[] {
  const valid = { input_file_id: 'file-nope', endpoint: '/v1/chat/completions', completion_window: '24h' };
  const cases: AttackCase[] = [
    json('batches empty object', 'POST', BATCHES, 'tenant', {}, 400),
    json('batches unknown input file', 'POST', BATCHES, 'tenant', valid, [400, 404]),
    json('batches unsupported endpoint', 'POST', BATCHES, 'tenant', { ...valid, endpoint: '/v1/embeddings' }, 400),
    json('batches endpoint not a path', 'POST', BATCHES, 'tenant', { ...valid, endpoint: 'http://evil/' }, 400),
    json('batches completion window 1h', 'POST', BATCHES, 'tenant', { ...valid, completion_window: '1h' }, 400),
    json('batches input_file_id a number', 'POST', BATCHES, 'tenant', { ...valid, input_file_id: 5 }, 400),
    json('batches unknown field', 'POST', BATCHES, 'tenant', { ...valid, priority: 'high' }, 400),
    json('batches metadata not an object', 'POST', BATCHES, 'tenant', { ...valid, metadata: 'x' }, 400),
    json(
      'batches metadata 17 keys',
      'POST',
      BATCHES,
      'tenant',
      { ...valid, metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) },
      400,
    ),
    json(
      'batches metadata value not a string',
      'POST',
      BATCHES,
      'tenant',
      { ...valid, metadata: { a: { b: 1 } } },
      400,
    ),
    json(
      'batches deep metadata',
      'POST',
      BATCHES,
      'tenant',
      `{"input_file_id":"f","endpoint":"/v1/chat/completions","completion_window":"24h","metadata":${nestedArrayText(5_000)}}`,
      400,
    ),
    json(
      'batches output_expires_after bad',
      'POST',
      BATCHES,
      'tenant',
      { ...valid, output_expires_after: { anchor: 'never', seconds: 1 } },
      400,
    ),
  ];
  for (const key of RESERVED) {
    cases.push(
      json(
        `batches metadata key '${key}'`,
        'POST',
        BATCHES,
        'tenant',
        `{"input_file_id":"f","endpoint":"/v1/chat/completions","completion_window":"24h","metadata":{"${key}":"x"}}`,
        400,
        'reserved_name',
      ),
      json(
        `batches top-level key '${key}'`,
        'POST',
        BATCHES,
        'tenant',
        `{"${key}":{"polluted":"yes"},"input_file_id":"f","endpoint":"/v1/chat/completions","completion_window":"24h"}`,
        400,
        'reserved_name',
      ),
    );
  }
  return cases;
}
