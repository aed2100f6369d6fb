import { type AttackCase, type AttackContext, json, nestedArrayText, RESERVED } from './attack-case';

/** Admin routes: malformed bodies, unknown ids, reserved names, wrong credentials. */
export function adminCases(context: AttackContext): AttackCase[] {
  const tenant = `/admin/tenants/${context.tenantId}`;
  const cases: AttackCase[] = [];
  const tenantBodies: readonly unknown[] = [
    {},
    { name: '' },
    { name: 5 },
    { name: 'x'.repeat(1000) },
    { name: 'a', extra: 1 },
    [],
    'acme',
    null,
  ];
  tenantBodies.forEach((body, index) =>
    cases.push(json(`admin create tenant #${index}`, 'POST', '/admin/tenants', 'admin', body, 400)),
  );
  const keyBodies: readonly unknown[] = [
    { name: 5 },
    { name: 'k', scope: 'root' },
    { name: 'k', scope: ['client'] },
    { name: 'k', secret: 'mine' },
  ];
  keyBodies.forEach((body, index) =>
    cases.push(json(`admin create key #${index}`, 'POST', `${tenant}/keys`, 'admin', body, 400)),
  );
  const quotaBodies: readonly unknown[] = [
    { requests_per_minute: -1 },
    { requests_per_minute: 'many' },
    { requests_per_minute: 1.5 },
    { requests_per_fortnight: 10 },
    { tokens_per_day: {} },
    { concurrent_streams: [] },
    [],
    'unlimited',
  ];
  quotaBodies.forEach((body, index) => {
    cases.push(json(`admin tenant quotas #${index}`, 'PUT', `${tenant}/quotas`, 'admin', body, 400));
    cases.push(json(`admin key quotas #${index}`, 'PUT', `/admin/keys/${context.keyId}/quotas`, 'admin', body, 400));
  });
  const toolBodies: readonly unknown[] = [
    {},
    {
      name: 'bad name!',
      description: 'd',
      parameters: { type: 'object' },
      implementation: { type: 'http', url: 'https://example.com', method: 'POST' },
    },
    {
      name: 'ok',
      description: 'd',
      parameters: 'x',
      implementation: { type: 'http', url: 'https://example.com', method: 'POST' },
    },
    {
      name: 'ok',
      description: 'd',
      parameters: { type: 'object' },
      implementation: { type: 'http', url: 'ftp://example.com', method: 'POST' },
    },
    { name: 'ok', description: 'd', parameters: { type: 'object' }, implementation: { type: 'teleport' } },
    {
      name: 'ok',
      description: 'd',
      parameters: { type: 'object' },
      implementation: { type: 'http', url: 'http://127.0.0.1:6379/', method: 'POST' },
    },
  ];
  toolBodies.forEach((body, index) =>
    cases.push(json(`admin register tool #${index}`, 'POST', '/admin/tools', 'admin', body, 400)),
  );
  cases.push(
    json(
      'admin register tool with a 5000-deep schema',
      'POST',
      '/admin/tools',
      'admin',
      `{"name":"deep","description":"d","parameters":${nestedArrayText(5_000)}}`,
      400,
      'nesting_too_deep',
    ),
    { name: 'admin unknown tenant', method: 'GET', path: '/admin/tenants/ten_nope', as: 'admin', status: 404 },
    {
      name: 'admin keys of unknown tenant',
      method: 'GET',
      path: '/admin/tenants/ten_nope/keys',
      as: 'admin',
      status: 404,
    },
    { name: 'admin revoke unknown key', method: 'DELETE', path: '/admin/keys/key_nope', as: 'admin', status: 404 },
    { name: 'admin unknown tool', method: 'GET', path: '/admin/tools/nope', as: 'admin', status: 404 },
    {
      name: 'admin tenant id of 600 characters',
      method: 'GET',
      path: `/admin/tenants/${'t'.repeat(600)}`,
      as: 'admin',
      status: 414,
    },
    { name: 'admin tenant id malformed percent', method: 'GET', path: '/admin/tenants/%zz', as: 'admin', status: 400 },
    { name: 'admin with a tenant key', method: 'GET', path: '/admin/tenants', as: 'tenant', status: 401 },
    { name: 'admin without a key', method: 'GET', path: '/admin/tenants', as: 'none', status: 401 },
    {
      name: 'admin usage bad query',
      method: 'GET',
      path: '/admin/usage?start_time=yesterday',
      as: 'admin',
      status: 400,
    },
    {
      name: 'admin usage events bad format',
      method: 'GET',
      path: '/admin/usage/events?start_time=1&format=xml',
      as: 'admin',
      status: 400,
    },
  );
  for (const key of RESERVED) {
    cases.push(
      json(
        `admin tenant body key '${key}'`,
        'POST',
        '/admin/tenants',
        'admin',
        `{"${key}":{"polluted":"yes"},"name":"x"}`,
        400,
        'reserved_name',
      ),
      json(
        `admin quotas key '${key}'`,
        'PUT',
        `${tenant}/quotas`,
        'admin',
        `{"${key}":{"requests_per_minute":1}}`,
        400,
        'reserved_name',
      ),
      json(
        `admin tool property '${key}'`,
        'POST',
        '/admin/tools',
        'admin',
        `{"name":"t${key.length}","description":"d","parameters":{"type":"object","properties":{"${key}":{"type":"string"}}},"implementation":{"type":"http","url":"https://example.com/x","method":"POST","headers":{"${key}":"x"}}}`,
        400,
        'reserved_name',
      ),
    );
  }
  return cases;
}

/** Usage (billing), sessions and models: bad queries, ids and scopes. */
export function readRouteCases(): AttackCase[] {
  const cases: AttackCase[] = [];
  for (const path of ['/v1/usage', '/v1/usage/events']) {
    for (const query of [
      '',
      'start_time=yesterday',
      'start_time=-5',
      'start_time=1&start_time=2',
      'start_time=1&bucket_width=1y',
      'start_time=1&limit=0',
      'start_time=1&limit=99999',
      'start_time=1&group_by=nonsense',
      'start_time=1&__proto__[x]=1',
      'start_time=1&constructor[prototype][x]=1',
      'start_time=1&end_time=0',
      'start_time=1&page=%ff',
      'start_time=1&format=xml',
    ]) {
      cases.push({
        name: `usage ${path} ?${query}`,
        method: 'GET',
        path: `${path}?${query}`,
        as: 'billing',
        status: 400,
      });
    }
    cases.push({
      name: `usage ${path} with a client key`,
      method: 'GET',
      path: `${path}?start_time=1`,
      as: 'tenant',
      status: 403,
    });
  }
  for (const [label, id, status] of [
    ['unknown', 'no-such-session', 404],
    ['101 characters', 's'.repeat(101), 404],
    ['128 characters', 's'.repeat(128), 404],
    ['129 characters', 's'.repeat(129), 404],
    ['300 characters', 's'.repeat(300), 404],
    ['700 characters', 's'.repeat(700), 414],
    ['encoded space', 'a%20b', 404],
    ['encoded slash', 'a%2Fb', 404],
    ['malformed percent', '%ff%fe', [400, 404]],
    ['lone percent', '%', 400],
    ['__proto__', '__proto__', 404],
  ] as const) {
    cases.push({ name: `sessions get ${label}`, method: 'GET', path: `/v1/sessions/${id}`, as: 'tenant', status });
    cases.push({
      name: `sessions delete ${label}`,
      method: 'DELETE',
      path: `/v1/sessions/${id}`,
      as: 'tenant',
      status,
    });
  }
  for (const id of [
    'nope',
    'gpt-4o-audio-preview/extra/segments',
    '%00',
    '__proto__',
    'constructor',
    'x'.repeat(2000),
  ]) {
    cases.push({
      name: `models get '${id.slice(0, 20)}'`,
      method: 'GET',
      path: `/v1/models/${id}`,
      as: 'tenant',
      status: 404,
    });
  }
  cases.push({ name: 'models with a billing key', method: 'GET', path: '/v1/models', as: 'billing', status: 403 });
  return cases;
}
