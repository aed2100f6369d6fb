import { SNAPSHOT } from '../relay-config';
import type { AttackCase, RawCase } from './attack-case';

const VALID = JSON.stringify({ model: SNAPSHOT, messages: [{ role: 'user', content: 'hi' }] });

/** Authorization headers that must all be a 401 in OpenAI's envelope, on a JSON and a GET route. */
export function authCases(): AttackCase[] {
  const cases: AttackCase[] = [];
  const headers: readonly [string, Record<string, string>][] = [
    ['no Authorization', {}],
    ['empty Authorization', { authorization: '' }],
    ['Bearer without a token', { authorization: 'Bearer' }],
    ['Bearer and a space', { authorization: 'Bearer ' }],
    ['Basic credentials', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['unknown sk-vg key', { authorization: 'Bearer sk-vg-0000000000000000000000000000' }],
    ['a key of 8k characters', { authorization: `Bearer ${'k'.repeat(8_000)}` }],
    ['a key with a NUL escape', { authorization: 'Bearer sk-vg-%00' }],
    ['forged internal-auth header', { 'x-voxgate-internal-auth': 'AAAA', 'x-voxgate-internal-key-id': 'key_x' }],
    ['api-key header instead of Authorization', { 'api-key': 'sk-vg-whatever' }],
  ];
  for (const [label, extra] of headers) {
    cases.push({
      name: `auth chat: ${label}`,
      method: 'POST',
      path: '/v1/chat/completions',
      as: 'none',
      headers: { 'content-type': 'application/json', ...extra },
      body: VALID,
      status: 401,
    });
    cases.push({
      name: `auth models: ${label}`,
      method: 'GET',
      path: '/v1/models',
      as: 'none',
      headers: extra,
      status: 401,
    });
    cases.push({
      name: `auth files: ${label}`,
      method: 'GET',
      path: '/v1/files',
      as: 'none',
      headers: extra,
      status: 401,
    });
  }
  cases.push({
    name: 'auth admin key on a tenant route',
    method: 'POST',
    path: '/v1/chat/completions',
    as: 'admin',
    headers: { 'content-type': 'application/json' },
    body: VALID,
    status: 401,
  });
  return cases;
}

/** Paths and methods nobody should send. */
export function pathAndMethodCases(): AttackCase[] {
  const cases: AttackCase[] = [];
  for (const method of ['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
    cases.push({
      name: `method ${method} on chat completions`,
      method,
      path: '/v1/chat/completions',
      as: 'tenant',
      // OPTIONS is the CORS preflight: without an allowed Origin, 403 `origin_not_allowed`.
      status: method === 'OPTIONS' ? 403 : [404, 405],
    });
  }
  for (const method of ['PATCH', 'PUT', 'POST']) {
    cases.push({ name: `method ${method} on models`, method, path: '/v1/models', as: 'tenant', status: [404, 405] });
  }
  for (const path of [
    '/',
    '/v1',
    '/v2/chat/completions',
    '//v1//models',
    '/v1/chat/completions/extra',
    '/v1/../admin/tenants',
    '/%2e%2e/admin/tenants',
    '/v1/files/%',
    '/v1/%ff',
    '/admin/%c0%af',
    `/v1/${'deep/'.repeat(400)}`,
    `/${'x'.repeat(4_000)}`,
    '/favicon.ico',
    '/.env',
    '/admin/../../etc/passwd',
  ]) {
    cases.push({ name: `path ${path.slice(0, 40)}`, method: 'GET', path, as: 'tenant', status: [400, 404, 414] });
  }
  cases.push({ name: 'TRACE', method: 'TRACE', path: '/v1/models', as: 'tenant', status: [404, 405] });
  return cases;
}

/** Bytes that are not an HTTP request Node can parse: each must still be answered in the envelope. */
export function rawCases(): RawCase[] {
  return [
    { name: 'garbage request line', bytes: 'GARBAGE\r\n\r\n', status: 400 },
    { name: 'HTTP/9.9', bytes: 'GET /v1/models HTTP/9.9\r\nHost: x\r\n\r\n', status: 400 },
    {
      name: 'space in the header name',
      bytes: 'GET /v1/models HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n',
      status: 400,
    },
    {
      name: 'non-numeric Content-Length',
      bytes: 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      status: 400,
    },
    {
      name: 'two Content-Lengths that disagree',
      bytes: 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
      status: 400,
    },
    {
      name: 'Content-Length with Transfer-Encoding',
      bytes:
        'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      status: 400,
    },
    {
      name: 'broken chunked encoding',
      bytes:
        'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n',
      status: 400,
    },
    {
      name: 'headers over the size limit',
      bytes: `GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
      status: 431,
    },
    { name: 'a control character in the path', bytes: 'GET /v1/mo\u0001dels HTTP/1.1\r\nHost: x\r\n\r\n', status: 400 },
    { name: 'no Host header on HTTP/1.1', bytes: 'GET /v1/models HTTP/1.1\r\n\r\n', status: 400 },
  ];
}
