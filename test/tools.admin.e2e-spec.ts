import { useToolsEnv } from './support/tools-env';

const TEN = '2099-01-01T10:00:00.000Z';
const ELEVEN = '2099-01-01T11:00:00.000Z';

/** Ops routes of the built-in modules' data: shapes, validation, 404s, and the admin key. */
describe('admin API: booking and payment data', () => {
  const env = useToolsEnv();
  const admin = (method: string, path: string, body?: unknown) => {
    const { gateway, tenantId } = env();
    return gateway.admin(method, path.replace('{t}', tenantId), body);
  };

  describe('booking', () => {
    it('creates, renames and lists resources; adds and resizes slots; lists them with availability', async () => {
      const created = await admin('PUT', '/admin/tenants/{t}/booking/resources/room-1', {
        name: 'Room 1',
        slots: [{ start: TEN, end: ELEVEN }],
      });
      expect(created).toEqual({
        status: 200,
        body: { object: 'booking_resource', id: 'room-1', name: 'Room 1', created_at: expect.any(String) },
      });
      const renamed = await admin('PUT', '/admin/tenants/{t}/booking/resources/room-1', { name: 'Blue room' });
      expect(renamed.body).toMatchObject({
        name: 'Blue room',
        created_at: (created.body as { created_at: string }).created_at,
      });

      const added = await admin('POST', '/admin/tenants/{t}/booking/resources/room-1/slots', {
        slots: [
          { start: TEN, end: ELEVEN, capacity: 4 },
          { start: ELEVEN, end: '2099-01-01T12:00:00Z', capacity: 2 },
        ],
      });
      expect(added.status).toBe(201);
      const listed = await admin('GET', '/admin/tenants/{t}/booking/resources/room-1/slots');
      expect(listed).toEqual({
        status: 200,
        body: {
          object: 'list',
          data: [
            {
              object: 'booking_slot',
              slot_id: TEN,
              start: TEN,
              end: ELEVEN,
              capacity: 4,
              booked: 0,
              available: 4,
              bookings: [],
            },
            {
              object: 'booking_slot',
              slot_id: ELEVEN,
              start: ELEVEN,
              end: '2099-01-01T12:00:00.000Z',
              capacity: 2,
              booked: 0,
              available: 2,
              bookings: [],
            },
          ],
        },
      });
      expect(added.body).toEqual(listed.body);
      const later = await admin('GET', `/admin/tenants/{t}/booking/resources/room-1/slots?from=${ELEVEN}&limit=5`);
      expect((later.body as { data: { slot_id: string }[] }).data.map((slot) => slot.slot_id)).toEqual([ELEVEN]);
      const resources = await admin('GET', '/admin/tenants/{t}/booking/resources');
      expect(resources.body).toMatchObject({ object: 'list', data: [{ id: 'room-1', name: 'Blue room' }] });
    });

    it('answers 400 naming the param for bad bodies, ids and queries; 404 for unknown resources and bookings', async () => {
      const cases: [string, string, unknown, string | null][] = [
        [
          'PUT',
          '/admin/tenants/{t}/booking/resources/room-2',
          { name: 'x', slots: [{ start: ELEVEN, end: TEN }] },
          'slots[0].end',
        ],
        ['PUT', '/admin/tenants/{t}/booking/resources/room-2', { name: 'x', color: 'red' }, 'color'],
        ['PUT', '/admin/tenants/{t}/booking/resources/bad%20id', { name: 'x' }, 'resource_id'],
        ['GET', '/admin/tenants/{t}/booking/resources/room-1/slots?limit=0', undefined, 'limit'],
        ['GET', '/admin/tenants/{t}/booking/resources/room-1/slots?from=yesterday', undefined, 'from'],
      ];
      for (const [method, path, body, param] of cases) {
        const response = await admin(method, path, body);
        expect({
          path,
          status: response.status,
          param: (response.body as { error: { param: string } }).error?.param,
        }).toEqual({
          path,
          status: 400,
          param,
        });
        expect(response.body).toMatchObject({ error: { type: 'invalid_request_error', message: expect.any(String) } });
      }
      expect(await admin('GET', '/admin/tenants/{t}/booking/resources/nope/slots')).toMatchObject({
        status: 404,
        body: { error: { code: 'booking_resource_not_found' } },
      });
      expect(
        await admin('POST', '/admin/tenants/{t}/booking/resources/nope/slots', {
          slots: [{ start: TEN, end: ELEVEN }],
        }),
      ).toMatchObject({ status: 404, body: { error: { code: 'booking_resource_not_found' } } });
      expect(await admin('POST', '/admin/tenants/{t}/booking/bookings/bkg_nope/cancel')).toMatchObject({
        status: 404,
        body: { error: { code: 'booking_not_found' } },
      });
      expect(await admin('GET', '/admin/tenants/{t}/booking/bookings/bkg_nope')).toMatchObject({ status: 404 });
    });
  });

  describe('payment', () => {
    it('sets and reads the policy; 404 before one is set', async () => {
      const { gateway } = env();
      const { tenantId: other } = await gateway.createTenantKey('no policy yet');
      expect(await gateway.admin('GET', `/admin/tenants/${other}/payment/policy`)).toMatchObject({
        status: 404,
        body: { error: { code: 'payment_policy_not_found' } },
      });
      const set = await admin('PUT', '/admin/tenants/{t}/payment/policy', {
        currencies: { EUR: { max_amount: 500, confirmation_above: '100' }, JPY: { max_amount: '20000' } },
      });
      const expected = {
        object: 'payment_policy',
        tenant_id: env().tenantId,
        currencies: {
          EUR: { max_amount: '500.00', confirmation_above: '100.00' },
          JPY: { max_amount: '20000', confirmation_above: null },
        },
      };
      expect(set).toEqual({ status: 200, body: expected });
      expect(await admin('GET', '/admin/tenants/{t}/payment/policy')).toEqual({ status: 200, body: expected });
      const bad = await admin('PUT', '/admin/tenants/{t}/payment/policy', {
        currencies: { EUR: { max_amount: '1.234' } },
      });
      expect(bad).toMatchObject({ status: 400, body: { error: { param: 'currencies' } } });
      const lower = await admin('PUT', '/admin/tenants/{t}/payment/policy', {
        currencies: { eur: { max_amount: '1' } },
      });
      expect(lower).toMatchObject({ status: 400, body: { error: { type: 'invalid_request_error' } } });
    });

    it('sets and reads balances; payments of a customer and one payment; 400s and 404s', async () => {
      expect(
        await admin('PUT', '/admin/tenants/{t}/payment/customers/cust_9/balances/EUR', { amount: '12.5' }),
      ).toEqual({
        status: 200,
        body: { object: 'customer_balances', customer_id: 'cust_9', balances: { EUR: '12.50' } },
      });
      expect(await admin('GET', '/admin/tenants/{t}/payment/customers/cust_9/balances')).toMatchObject({
        status: 200,
        body: { balances: { EUR: '12.50' } },
      });
      expect(await admin('GET', '/admin/tenants/{t}/payment/customers/cust_9/payments')).toEqual({
        status: 200,
        body: { object: 'list', data: [] },
      });
      expect(
        await admin('PUT', '/admin/tenants/{t}/payment/customers/cust_9/balances/euro', { amount: '1' }),
      ).toMatchObject({ status: 400, body: { error: { param: 'currency' } } });
      expect(
        await admin('PUT', '/admin/tenants/{t}/payment/customers/cust_9/balances/EUR', { amount: '1.001' }),
      ).toMatchObject({ status: 400, body: { error: { param: 'amount' } } });
      expect(
        await admin('PUT', '/admin/tenants/{t}/payment/customers/cust_9/balances/EUR', { amount: -5 }),
      ).toMatchObject({
        status: 400,
        body: { error: { param: 'amount' } },
      });
      expect(await admin('GET', '/admin/tenants/{t}/payment/customers/nobody/balances')).toMatchObject({
        status: 404,
        body: { error: { code: 'customer_not_found' } },
      });
      expect(await admin('GET', '/admin/tenants/{t}/payment/payments/pay_nope')).toMatchObject({
        status: 404,
        body: { error: { code: 'payment_not_found' } },
      });
    });
  });

  it('answers 404 tenant_not_found on every route for a tenant that does not exist', async () => {
    const { gateway } = env();
    const routes: [string, string, unknown?][] = [
      ['GET', 'booking/resources'],
      ['PUT', 'booking/resources/r1', { name: 'x' }],
      ['POST', 'booking/resources/r1/slots', { slots: [{ start: TEN, end: ELEVEN }] }],
      ['GET', 'booking/resources/r1/slots'],
      ['GET', 'booking/bookings/b1'],
      ['POST', 'booking/bookings/b1/cancel'],
      ['PUT', 'payment/policy', { currencies: { EUR: { max_amount: '1' } } }],
      ['GET', 'payment/policy'],
      ['PUT', 'payment/customers/c1/balances/EUR', { amount: '1' }],
      ['GET', 'payment/customers/c1/balances'],
      ['GET', 'payment/customers/c1/payments'],
      ['GET', 'payment/payments/p1'],
    ];
    for (const [method, path, body] of routes) {
      const response = await gateway.admin(method, `/admin/tenants/ten_missing/${path}`, body);
      expect({ path, status: response.status, body: response.body }).toEqual({
        path,
        status: 404,
        body: {
          error: {
            message: "No tenant found with id 'ten_missing'.",
            type: 'invalid_request_error',
            param: null,
            code: 'tenant_not_found',
          },
        },
      });
    }
  });

  it('refuses requests without the admin key, and with a tenant key', async () => {
    const { gateway, tenantId, key } = env();
    for (const authorization of [undefined, `Bearer ${key}`]) {
      const response = await fetch(`${gateway.url}/admin/tenants/${tenantId}/payment/policy`, {
        headers: authorization ? { authorization } : {},
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_api_key' } });
    }
  });
});
