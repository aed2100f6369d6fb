import { useTestRedis } from '@voxgate/testing';
import { toolContext } from '../../__fixtures__/tool-fixtures';
import type { ToolOutcome } from '../../tool-module';
import {
  AddBookingSlots,
  CancelBooking,
  GetBooking,
  ListBookingResources,
  ListBookingSlots,
  ListBookingSlotsQuerySchema,
  UpsertBookingResource,
  UpsertBookingResourceInputSchema,
} from './booking-admin.usecase';
import { BookingRepository } from './booking.repository';
import { createBookingOperations } from './booking.tool';

const NOW = Date.parse('2030-01-01T08:00:00.000Z');
const TEN = '2030-01-01T10:00:00.000Z';
const ELEVEN = '2030-01-01T11:00:00.000Z';
const NOON = '2030-01-01T12:00:00.000Z';

describe('booking admin use cases (real Redis)', () => {
  const redis = useTestRedis();
  const repository = () => new BookingRepository(redis().redis, () => NOW);
  const query = (input: Record<string, unknown> = {}) => ListBookingSlotsQuerySchema.parse(input);
  const book = async (customer: string, slot = TEN) => {
    const outcome: ToolOutcome = await createBookingOperations(repository(), () => NOW).book.execute(
      { resource_id: 'table-1', slot_id: slot, customer_name: customer },
      toolContext({ idempotencyKey: `key-${customer}` }),
    );
    if (outcome.status !== 'ok') throw new Error(JSON.stringify(outcome));
    return (outcome.result as { booking_id: string }).booking_id;
  };

  beforeEach(async () => {
    const created = await new UpsertBookingResource(repository()).execute(
      'ten_a',
      'table-1',
      UpsertBookingResourceInputSchema.parse({
        name: 'Window table',
        slots: [{ start: TEN, end: ELEVEN, capacity: 2 }],
      }),
    );
    expect(created).toEqual({
      object: 'booking_resource',
      id: 'table-1',
      name: 'Window table',
      created_at: new Date(NOW).toISOString(),
    });
  });

  it('lists a resource’s slots with capacity, what is booked, what is left, and who booked', async () => {
    const ada = await book('Ada');
    const slots = await new ListBookingSlots(repository()).execute('ten_a', 'table-1', query());
    expect(slots).toEqual([
      {
        object: 'booking_slot',
        slot_id: TEN,
        start: TEN,
        end: ELEVEN,
        capacity: 2,
        booked: 1,
        available: 1,
        bookings: [
          {
            object: 'booking',
            id: ada,
            resource_id: 'table-1',
            slot_id: TEN,
            start: TEN,
            end: ELEVEN,
            customer_name: 'Ada',
            status: 'confirmed',
            created_at: new Date(NOW).toISOString(),
            cancelled_at: null,
          },
        ],
      },
    ]);
  });

  it('adds and resizes slots, keeping what is booked, and filters by time', async () => {
    await book('Ada');
    const added = await new AddBookingSlots(repository()).execute('ten_a', 'table-1', {
      slots: [
        { start: TEN, end: ELEVEN, capacity: 3 },
        { start: ELEVEN, end: NOON, capacity: 1 },
      ],
    });
    expect(added.map((slot) => [slot.slot_id, slot.capacity, slot.booked, slot.available])).toEqual([
      [TEN, 3, 1, 2],
      [ELEVEN, 1, 0, 1],
    ]);
    const later = await new ListBookingSlots(repository()).execute('ten_a', 'table-1', query({ from: ELEVEN }));
    expect(later.map((slot) => slot.slot_id)).toEqual([ELEVEN]);
    const first = await new ListBookingSlots(repository()).execute('ten_a', 'table-1', query({ limit: '1' }));
    expect(first.map((slot) => slot.slot_id)).toEqual([TEN]);
  });

  it('renames a resource without touching its slots, and lists resources', async () => {
    await new UpsertBookingResource(repository()).execute('ten_a', 'table-1', { name: 'Terrace table', slots: [] });
    await new UpsertBookingResource(repository()).execute('ten_a', 'room-a', { name: 'Room A', slots: [] });
    expect(
      (await new ListBookingResources(repository()).execute('ten_a')).map((resource) => [resource.id, resource.name]),
    ).toEqual([
      ['room-a', 'Room A'],
      ['table-1', 'Terrace table'],
    ]);
    expect(await new ListBookingSlots(repository()).execute('ten_a', 'table-1', query())).toHaveLength(1);
    expect(await new ListBookingResources(repository()).execute('ten_b')).toEqual([]);
  });

  it('cancels a booking as ops, once, freeing its place; the booking stays listed as cancelled', async () => {
    const ada = await book('Ada');
    const cancelled = await new CancelBooking(repository()).execute('ten_a', ada);
    expect(cancelled).toMatchObject({ id: ada, status: 'cancelled', cancelled_at: new Date(NOW).toISOString() });
    expect(await new CancelBooking(repository()).execute('ten_a', ada)).toEqual(cancelled);
    const [slot] = await new ListBookingSlots(repository()).execute('ten_a', 'table-1', query());
    expect(slot).toMatchObject({ booked: 0, available: 2, bookings: [{ id: ada, status: 'cancelled' }] });
    expect(await new GetBooking(repository()).execute('ten_a', ada)).toEqual(cancelled);
  });

  it('answers 404 for unknown resources and bookings, and for another tenant’s', async () => {
    const ada = await book('Ada');
    for (const attempt of [
      new ListBookingSlots(repository()).execute('ten_a', 'nope', query()),
      new AddBookingSlots(repository()).execute('ten_b', 'table-1', {
        slots: [{ start: TEN, end: ELEVEN, capacity: 1 }],
      }),
      new CancelBooking(repository()).execute('ten_b', ada),
      new GetBooking(repository()).execute('ten_a', 'bkg_nope'),
    ]) {
      await expect(attempt).rejects.toMatchObject({ status: 404 });
    }
    expect(await redis().redis.hget(`booking:{t:ten_a}:booking:${ada}`, 'status')).toBe('confirmed');
  });
});
