import { request as httpRequest, Agent } from 'node:http';
import { connect } from 'node:net';

/** Who a case calls as. */
export type Caller = 'tenant' | 'billing' | 'admin' | 'none';

/** One malformed request and the status it must get. */
export interface AttackCase {
  readonly name: string;
  readonly method: string;
  /** Sent as written: no normalisation, no encoding. */
  readonly path: string;
  readonly as: Caller;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** The right status; a list where more than one is right (e.g. 404 or 405 for a wrong method). */
  readonly status: number | readonly number[];
  /** The expected `error.code`, where the case is about one specific refusal. */
  readonly code?: string;
}

/** Bytes written straight to a socket: for what no HTTP client will send. */
export interface RawCase {
  readonly name: string;
  readonly bytes: string | Buffer;
  readonly status: number;
}

/** What a case needs to know about the gateway under attack. */
export interface AttackContext {
  readonly tenantId: string;
  readonly keyId: string;
  readonly bodyLimit: number;
}

export interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/** Sends a case with node:http, so paths, methods and headers go out exactly as written. */
export function send(baseUrl: string, attack: AttackCase, credentials: Record<Caller, string | null>): Promise<Answer> {
  const url = new URL(baseUrl);
  const token = credentials[attack.as];
  const headers: Record<string, string | number> = {
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...attack.headers,
  };
  if (attack.body !== undefined && !('content-length' in headers))
    headers['content-length'] = Buffer.byteLength(attack.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: attack.method, path: attack.path, headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    // A request the gateway never answers is a finding too, named rather than left to the test timeout.
    req.setTimeout(8_000, () => req.destroy(new Error(`no answer within 8 s to '${attack.name}'`)));
    req.end(attack.body);
  });
}

/** Writes raw bytes to a fresh connection and reads until the server closes it (or 5 s pass). */
export function sendRaw(baseUrl: string, raw: RawCase): Promise<Answer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), 5_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n', 2);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const contentType = /\r\ncontent-type:\s*([^\r]+)/i.exec(head)?.[1] ?? '';
      if (!status) reject(new Error(`no HTTP answer to raw case '${raw.name}': ${JSON.stringify(text)}`));
      else resolve({ status, contentType, body });
    });
    socket.write(raw.bytes);
  });
}

/**
 * Why an answer is wrong for its case, or null: a 5xx, another status than expected, or an error body
 * that is not exactly OpenAI's envelope `{"error":{message,type,param,code}}` served as JSON.
 */
export function problemWith(answer: Answer, expected: number | readonly number[], code?: string): string | null {
  const allowed = typeof expected === 'number' ? [expected] : expected;
  if (answer.status === 0) return answer.body;
  if (answer.status >= 500) return `server error ${answer.status}: ${answer.body.slice(0, 300)}`;
  if (!allowed.includes(answer.status))
    return `status ${answer.status}, expected ${allowed.join(' or ')}: ${answer.body.slice(0, 300)}`;
  if (answer.status < 400) return null;
  if (!answer.contentType.startsWith('application/json')) return `content-type '${answer.contentType}'`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    return `body is not JSON: ${answer.body.slice(0, 200)}`;
  }
  const envelope = parsed as { error?: Record<string, unknown> };
  if (!envelope || typeof envelope !== 'object' || Object.keys(envelope).join() !== 'error' || !envelope.error)
    return `not an OpenAI error envelope: ${answer.body.slice(0, 200)}`;
  const error = envelope.error;
  if (Object.keys(error).sort().join() !== 'code,message,param,type') return `error keys ${Object.keys(error).join()}`;
  if (typeof error['message'] !== 'string' || error['message'] === '') return 'error.message is not a non-empty string';
  if (typeof error['type'] !== 'string') return 'error.type is not a string';
  if (error['param'] !== null && typeof error['param'] !== 'string') return 'error.param is neither null nor a string';
  if (error['code'] !== null && typeof error['code'] !== 'string') return 'error.code is neither null nor a string';
  if (code && error['code'] !== code) return `error.code '${String(error['code'])}', expected '${code}'`;
  return null;
}

/** A JSON body case. */
export function json(
  name: string,
  method: string,
  path: string,
  as: Caller,
  body: unknown,
  status: AttackCase['status'],
  code?: string,
): AttackCase {
  return {
    name,
    method,
    path,
    as,
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    status,
    ...(code ? { code } : {}),
  };
}

/** A part of a hand-built multipart body. */
export interface FormPart {
  readonly name: string;
  readonly data: string | Buffer;
  readonly filename?: string;
  readonly contentType?: string;
}

export const BOUNDARY = 'vg-adversarial-boundary';

/** A multipart/form-data body built by hand, so it can be cut, doubled or mislabelled at will. */
export function formBody(parts: readonly FormPart[], boundary = BOUNDARY): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
    const type = part.contentType ? `Content-Type: ${part.contentType}\r\n` : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`));
    chunks.push(Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** A multipart case with a well-formed content type unless `contentType` says otherwise. */
export function form(
  name: string,
  path: string,
  body: Buffer,
  status: AttackCase['status'],
  options: { contentType?: string; code?: string } = {},
): AttackCase {
  return {
    name,
    method: 'POST',
    path,
    as: 'tenant',
    headers: { 'content-type': options.contentType ?? `multipart/form-data; boundary=${BOUNDARY}` },
    body,
    status,
    ...(options.code ? { code: options.code } : {}),
  };
}

/**
 * A JSON Schema `depth` object levels deep, as text (a value that deep cannot be `JSON.stringify`-ed):
 * `{"type":"object","properties":{"a":…}}`.
 */
export function nestedSchemaText(depth: number): string {
  return '{"type":"object","properties":{"a":'.repeat(depth) + '{"type":"string"}' + '}}'.repeat(depth);
}

/** A JSON text nesting arrays `depth` deep (built as text: an object that deep cannot be stringified). */
export function nestedArrayText(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

export const RESERVED = ['__proto__', 'constructor', 'prototype'] as const;
