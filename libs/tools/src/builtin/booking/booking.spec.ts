import type { Redis } from 'ioredis';
import { useTestRedis } from '@voxgate/testing';
import { toolContext } from '../../__fixtures__/tool-fixtures';
import type { ToolOutcome } from '../../tool-module';
import { AddBookingSlots, UpsertBookingResource, UpsertBookingResourceInputSchema } from './booking-admin.usecase';
import { BookingRepository } from './booking.repository';
import { createBookingOperations } from './booking.tool';

const NOW = Date.parse('2030-01-01T08:00:00.000Z');
const TEN = '2030-01-01T10:00:00.000Z';
const ELEVEN = '2030-01-01T11:00:00.000Z';

describe('built-in booking (real Redis)', () => {
  const redis = useTestRedis();
  const operations = (connection: Redis = redis().redis) =>
    createBookingOperations(new BookingRepository(connection, () => NOW), () => NOW);

  const createTable = async (capacity = 1) => {
    const repository = new BookingRepository(redis().redis, () => NOW);
    await new UpsertBookingResource(repository).execute(
      'ten_a',
      'table-1',
      UpsertBookingResourceInputSchema.parse({
        name: 'Table by the window',
        slots: [
          { start: TEN, end: ELEVEN, capacity },
          { start: ELEVEN, end: '2030-01-01T12:00:00Z' },
        ],
      }),
    );
    return repository;
  };

  const book = (key: string, extra: Record<string, string> = {}, connection?: Redis) =>
    operations(connection).book.execute(
      { resource_id: 'table-1', slot_id: TEN, customer_name: 'Ada', ...extra },
      toolContext({ idempotencyKey: key }),
    );

  it('lists free slots with the places left', async () => {
    await createTable(2);
    const outcome = await operations().check_availability.execute({ resource_id: 'table-1' }, toolContext());
    expect(outcome).toEqual({
      status: 'ok',
      result: {
        resource_id: 'table-1',
        resource_name: 'Table by the window',
        slots: [
          { slot_id: TEN, start: TEN, end: ELEVEN, places_left: 2 },
          { slot_id: ELEVEN, start: ELEVEN, end: '2030-01-01T12:00:00.000Z', places_left: 1 },
        ],
      },
    });
  });

  it('never double-books: 50 concurrent bookings of one slot over 3 connections, exactly 1 succeeds', async () => {
    await createTable(1);
    const connections = [redis().redis, redis().redis.duplicate(), redis().redis.duplicate()];
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          book(`key-${i}`, { customer_name: `Guest ${i}` }, connections[i % connections.length]),
        ),
      );
      const booked = outcomes.filter((outcome) => outcome.status === 'ok');
      expect(booked).toHaveLength(1);
      expect(
        outcomes.filter((outcome) => outcome.status === 'error' && outcome.code === 'slot_unavailable'),
      ).toHaveLength(49);
      expect(await redis().redis.hget(`booking:{t:ten_a}:slot:table-1:${TEN}`, 'booked')).toBe('1');
    } finally {
      connections.slice(1).forEach((connection) => connection.disconnect());
    }
  });

  it('fills a slot of capacity 3 exactly, under concurrency', async () => {
    await createTable(3);
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => book(`k${i}`, { customer_name: `G${i}` })));
    expect(outcomes.filter((outcome) => outcome.status === 'ok')).toHaveLength(3);
  });

  it('returns the same booking for the same idempotency key, even when retried concurrently', async () => {
    await createTable(5);
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => book('same-key')));
    const ids = new Set(outcomes.map((outcome) => bookingId(outcome)));
    expect(ids.size).toBe(1);
    expect(await redis().redis.hget(`booking:{t:ten_a}:slot:table-1:${TEN}`, 'booked')).toBe('1');
    const replay = await book('same-key');
    expect(replay).toMatchObject({ status: 'ok', result: { replayed: true, booking_id: [...ids][0] } });
  });

  it('prefers the idempotency key in the arguments, and refuses it for another booking', async () => {
    await createTable(5);
    const first = await book('ctx-1', { idempotency_key: 'client-key' });
    const second = await book('ctx-2', { idempotency_key: 'client-key' });
    expect(bookingId(second)).toBe(bookingId(first));
    expect(await book('ctx-3', { idempotency_key: 'client-key', customer_name: 'Bob' })).toMatchObject({
      code: 'idempotency_key_reused',
    });
  });

  it('accepts another spelling of the slot time', async () => {
    await createTable(1);
    expect(await book('k', { slot_id: '2030-01-01T11:00:00+01:00' })).toMatchObject({
      status: 'ok',
      result: { slot_id: TEN },
    });
  });

  it('cancels once, freeing the place, and cancelling again changes nothing', async () => {
    await createTable(1);
    const id = bookingId(await book('k1'));
    expect(await book('k2', { customer_name: 'Bob' })).toMatchObject({ code: 'slot_unavailable' });
    const cancel = () => operations().cancel.execute({ booking_id: id }, toolContext());
    expect(await cancel()).toEqual({
      status: 'ok',
      result: { booking_id: id, status: 'cancelled', already_cancelled: false },
    });
    expect(await cancel()).toMatchObject({ result: { already_cancelled: true } });
    expect(await redis().redis.hget(`booking:{t:ten_a}:slot:table-1:${TEN}`, 'booked')).toBe('0');
    expect(await book('k3', { customer_name: 'Bob' })).toMatchObject({ status: 'ok' });
    expect(await operations().cancel.execute({ booking_id: 'bkg_nope' }, toolContext())).toMatchObject({
      code: 'booking_not_found',
    });
  });

  it('refuses unknown slots, unknown resources and slots that already started', async () => {
    const repository = await createTable(1);
    expect(await book('k', { slot_id: '2030-01-02T10:00:00Z' })).toMatchObject({ code: 'slot_not_found' });
    expect(await operations().check_availability.execute({ resource_id: 'nope' }, toolContext())).toMatchObject({
      code: 'resource_not_found',
    });
    await new AddBookingSlots(repository).execute('ten_a', 'table-1', {
      slots: [{ start: '2029-12-31T10:00:00Z', end: '2029-12-31T11:00:00Z', capacity: 1 }],
    });
    expect(await book('k', { slot_id: '2029-12-31T10:00:00Z' })).toMatchObject({ code: 'slot_in_past' });
  });

  it('keeps every key of the tenant under its hash tag', async () => {
    await createTable(1);
    await book('k');
    expect((await redis().keys()).every((key) => key.startsWith('booking:{t:ten_a}:'))).toBe(true);
  });
});

function bookingId(outcome: ToolOutcome): string {
  if (outcome.status !== 'ok') throw new Error(`not booked: ${JSON.stringify(outcome)}`);
  return (outcome.result as { booking_id: string }).booking_id;
}
