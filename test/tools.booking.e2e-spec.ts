import { SNAPSHOT } from './support/relay-config';
import { registerTool, sentRequests, toolMessages, toolRunsOf, useToolsEnv } from './support/tools-env';

const SLOT = '2099-06-01T19:00:00.000Z';

interface SlotView {
  slot_id: string;
  capacity: number;
  booked: number;
  available: number;
  bookings: { id: string; customer_name: string; status: string }[];
}

/** The built-in booking module driven by the model, with its state read back through the admin API. */
describe('server tools: booking via the model', () => {
  const env = useToolsEnv();

  beforeAll(async () => {
    const { gateway, tenantId } = env();
    await registerTool(gateway, tenantId, {
      name: 'book_table',
      implementation: { type: 'builtin', module: 'booking', operation: 'book' },
    });
  });

  const createTable = async (id: string, capacity = 1) => {
    const { gateway, tenantId } = env();
    const created = await gateway.admin('PUT', `/admin/tenants/${tenantId}/booking/resources/${id}`, {
      name: 'Window table',
      slots: [{ start: SLOT, end: '2099-06-01T21:00:00Z', capacity }],
    });
    expect(created.status).toBe(200);
  };
  const slots = async (id: string) => {
    const { gateway, tenantId } = env();
    const read = await gateway.admin('GET', `/admin/tenants/${tenantId}/booking/resources/${id}/slots`);
    expect(read.status).toBe(200);
    return (read.body as { data: SlotView[] }).data;
  };
  const ask = (customer: string) =>
    env().client.chat.completions.create({
      model: SNAPSHOT,
      messages: [{ role: 'user', content: `Book the window table at 7 pm for ${customer}.` }],
    });

  it('two racing requests for the last place of a slot: exactly one booking, the other told the slot is taken', async () => {
    const { upstream } = env();
    await createTable('table-race');
    // Both first upstream calls are held until the other has arrived, so the two bookings race.
    for (const customer of ['Ada', 'Grace']) {
      upstream.enqueue({
        kind: 'delay',
        ms: 300,
        then: {
          kind: 'toolCalls',
          calls: [
            {
              name: 'book_table',
              arguments: { resource_id: 'table-race', slot_id: SLOT, customer_name: customer },
              id: `call_${customer}`,
            },
          ],
        },
      });
    }
    upstream.enqueue(
      { kind: 'completion', message: { content: 'Done.' } },
      { kind: 'completion', message: { content: 'Done.' } },
    );

    const answers = await Promise.all([ask('Ada'), ask('Grace')]);

    const statuses = answers.map((answer) => toolRunsOf(answer)[0]?.status).sort();
    expect(statuses).toEqual(['error', 'ok']);
    const fedBack = sentRequests(upstream)
      .flatMap((request) => toolMessages(request))
      .map((message) => message.content as { booking_id?: string; error?: { code: string } });
    expect(fedBack).toHaveLength(2);
    const booked = fedBack.filter((content) => content.booking_id);
    const refused = fedBack.filter((content) => content.error);
    expect(booked).toHaveLength(1);
    expect(refused.map((content) => content.error?.code)).toEqual(['slot_unavailable']);

    const [slot] = await slots('table-race');
    expect(slot).toMatchObject({ slot_id: SLOT, capacity: 1, booked: 1, available: 0 });
    expect(slot!.bookings).toHaveLength(1);
    expect(slot!.bookings[0]).toMatchObject({ id: booked[0]!.booking_id, status: 'confirmed' });
  });

  it('the same idempotency key from the model in two requests gives the same booking, booked once', async () => {
    const { upstream } = env();
    await createTable('table-key', 5);
    const call = {
      name: 'book_table',
      arguments: { resource_id: 'table-key', slot_id: SLOT, customer_name: 'Ada', idempotency_key: 'order-42' },
    };
    upstream.enqueue(
      { kind: 'toolCalls', calls: [call] },
      { kind: 'completion' },
      { kind: 'toolCalls', calls: [call] },
      { kind: 'completion' },
    );
    await ask('Ada');
    await ask('Ada');
    const ids = sentRequests(upstream)
      .flatMap((request) => toolMessages(request))
      .map((message) => (message.content as { booking_id: string }).booking_id);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
    const [slot] = await slots('table-key');
    expect(slot).toMatchObject({ booked: 1, available: 4 });
    expect(slot!.bookings.map((booking) => booking.id)).toEqual([ids[0]]);
  });

  it('ops cancel a booking the model made: the place is free again and the model can book it', async () => {
    const { gateway, tenantId, upstream } = env();
    await createTable('table-cancel');
    const book = (customer: string) => ({
      kind: 'toolCalls' as const,
      calls: [
        { name: 'book_table', arguments: { resource_id: 'table-cancel', slot_id: SLOT, customer_name: customer } },
      ],
    });
    upstream.enqueue(book('Ada'), { kind: 'completion' });
    await ask('Ada');
    const [before] = await slots('table-cancel');
    const bookingId = before!.bookings[0]!.id;

    const cancelled = await gateway.admin('POST', `/admin/tenants/${tenantId}/booking/bookings/${bookingId}/cancel`);
    expect(cancelled).toMatchObject({ status: 200, body: { id: bookingId, status: 'cancelled' } });

    upstream.enqueue(book('Grace'), { kind: 'completion' });
    await ask('Grace');
    const [after] = await slots('table-cancel');
    expect(after).toMatchObject({ booked: 1, available: 0 });
    expect(after!.bookings.map((booking) => [booking.customer_name, booking.status])).toEqual([
      ['Ada', 'cancelled'],
      ['Grace', 'confirmed'],
    ]);
  });
});
