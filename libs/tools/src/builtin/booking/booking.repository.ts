import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { defineScript, execAll, type RedisScript, tenantTag } from '../../redis-script';

export interface BookingResource {
  readonly id: string;
  readonly name: string;
  /** Unix ms. */
  readonly createdAt: number;
}

export interface BookingSlot {
  /** The slot's start as an ISO-8601 UTC timestamp: unique within its resource. */
  readonly slotId: string;
  readonly start: string;
  readonly end: string;
  readonly capacity: number;
  readonly booked: number;
}

export interface Booking {
  readonly id: string;
  readonly resourceId: string;
  readonly slotId: string;
  readonly start: string;
  readonly end: string;
  readonly customer: string;
  readonly status: 'confirmed' | 'cancelled';
  /** Unix ms. */
  readonly createdAt: number;
  /** Unix ms; `null` while confirmed. */
  readonly cancelledAt: number | null;
  readonly idempotencyKey: string;
  readonly argumentsHash: string;
}

export type BookOutcome =
  { readonly kind: 'booked' | 'existing'; readonly booking: Booking } | { readonly kind: 'no_slot' | 'full' | 'past' };

/**
 * Resources, their time slots and bookings of one tenant.
 *
 * - `booking:{t:T}:resources`              set of resource ids
 * - `booking:{t:T}:resource:<r>`           hash `{ id, name, created_at }`
 * - `booking:{t:T}:slots:<r>`              sorted set of slot ids by start (unix ms)
 * - `booking:{t:T}:slot:<r>:<slot>`        hash `{ start, end, capacity, booked }` (start/end unix ms)
 * - `booking:{t:T}:booking:<id>`           hash, see book-slot-4.lua
 * - `booking:{t:T}:slot-bookings:<r>:<slot>` sorted set of the slot's booking ids by creation (unix ms)
 * - `booking:{t:T}:idempotency:<key>`      string: the booking id made with that key
 */
export class BookingRepository {
  private readonly bookScript: RedisScript;
  private readonly cancelScript: RedisScript;

  constructor(
    private readonly redis: Redis,
    private readonly now: () => number = Date.now,
  ) {
    this.bookScript = defineScript(redis, __dirname, 'book-slot-4.lua');
    this.cancelScript = defineScript(redis, __dirname, 'cancel-booking-2.lua');
  }

  async upsertResource(tenantId: string, resource: { id: string; name: string }): Promise<BookingResource> {
    const prefix = base(tenantId);
    const key = `${prefix}resource:${resource.id}`;
    const createdAt = Number((await this.redis.hget(key, 'created_at')) ?? this.now());
    await execAll(
      this.redis
        .multi()
        .hset(key, { id: resource.id, name: resource.name, created_at: createdAt })
        .sadd(`${prefix}resources`, resource.id),
    );
    return { id: resource.id, name: resource.name, createdAt };
  }

  async getResource(tenantId: string, resourceId: string): Promise<BookingResource | null> {
    const hash = await this.redis.hgetall(`${base(tenantId)}resource:${resourceId}`);
    return hash.id ? { id: hash.id, name: hash.name ?? '', createdAt: Number(hash.created_at) } : null;
  }

  /**
   * Adds slots (or changes their end and capacity, keeping what is booked). Lowering a capacity below
   * the bookings already made cancels none of them; it only stops new ones.
   */
  async upsertSlots(
    tenantId: string,
    resourceId: string,
    slots: readonly { startMs: number; endMs: number; capacity: number }[],
  ): Promise<void> {
    const prefix = base(tenantId);
    const multi = this.redis.multi();
    for (const slot of slots) {
      const slotId = new Date(slot.startMs).toISOString();
      const key = `${prefix}slot:${resourceId}:${slotId}`;
      multi
        .hset(key, { start: slot.startMs, end: slot.endMs, capacity: slot.capacity })
        .hsetnx(key, 'booked', 0)
        .zadd(`${prefix}slots:${resourceId}`, slot.startMs, slotId);
    }
    await execAll(multi);
  }

  /** Slots of a resource starting in `[fromMs, toMs]`, at most `limit`, earliest first. */
  async slots(
    tenantId: string,
    resourceId: string,
    fromMs: number,
    toMs: number,
    limit: number,
  ): Promise<BookingSlot[]> {
    const prefix = base(tenantId);
    const ids = await this.redis.zrangebyscore(`${prefix}slots:${resourceId}`, fromMs, toMs, 'LIMIT', 0, limit);
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hmget(`${prefix}slot:${resourceId}:${id}`, 'start', 'end', 'capacity', 'booked');
    const rows = (await execAll(pipeline)) as (string | null)[][];
    return ids.flatMap((slotId, index) => {
      const [start, end, capacity, booked] = rows[index] ?? [];
      if (start == null || end == null) return [];
      return [
        {
          slotId,
          start: new Date(Number(start)).toISOString(),
          end: new Date(Number(end)).toISOString(),
          capacity: Number(capacity),
          booked: Number(booked ?? 0),
        },
      ];
    });
  }

  async book(
    tenantId: string,
    request: { resourceId: string; slotId: string; customer: string; idempotencyKey: string; argumentsHash: string },
  ): Promise<BookOutcome> {
    const prefix = base(tenantId);
    const id = `bkg_${randomBytes(9).toString('base64url')}`;
    const [kind, bookingId] = (await this.bookScript(
      `${prefix}slot:${request.resourceId}:${request.slotId}`,
      `${prefix}idempotency:${request.idempotencyKey}`,
      `${prefix}booking:${id}`,
      `${prefix}slot-bookings:${request.resourceId}:${request.slotId}`,
      id,
      request.resourceId,
      request.slotId,
      request.customer,
      this.now(),
      request.idempotencyKey,
      request.argumentsHash,
    )) as [string, string];
    if (kind !== 'booked' && kind !== 'existing') return { kind: kind as 'no_slot' | 'full' | 'past' };
    const booking = await this.getBooking(tenantId, bookingId);
    if (!booking) throw new Error(`booking ${bookingId} vanished`);
    return { kind, booking };
  }

  async getBooking(tenantId: string, bookingId: string): Promise<Booking | null> {
    const hash = await this.redis.hgetall(`${base(tenantId)}booking:${bookingId}`);
    if (!hash.id) return null;
    return {
      id: hash.id,
      resourceId: hash.resource_id ?? '',
      slotId: hash.slot_id ?? '',
      start: new Date(Number(hash.start)).toISOString(),
      end: new Date(Number(hash.end)).toISOString(),
      customer: hash.customer ?? '',
      status: hash.status === 'cancelled' ? 'cancelled' : 'confirmed',
      createdAt: Number(hash.created_at),
      cancelledAt: hash.cancelled_at ? Number(hash.cancelled_at) : null,
      idempotencyKey: hash.idempotency_key ?? '',
      argumentsHash: hash.arguments_hash ?? '',
    };
  }

  /** The tenant's resources, by id. */
  async resources(tenantId: string): Promise<BookingResource[]> {
    const ids = (await this.redis.smembers(`${base(tenantId)}resources`)).sort();
    const found = await Promise.all(ids.map((id) => this.getResource(tenantId, id)));
    return found.filter((resource): resource is BookingResource => resource !== null);
  }

  /** The bookings (confirmed and cancelled) of each given slot, oldest first, keyed by slot id. */
  async bookingsOfSlots(
    tenantId: string,
    resourceId: string,
    slotIds: readonly string[],
  ): Promise<Map<string, Booking[]>> {
    const prefix = base(tenantId);
    const pipeline = this.redis.pipeline();
    for (const slotId of slotIds) pipeline.zrange(`${prefix}slot-bookings:${resourceId}:${slotId}`, '0', '-1');
    const idLists = (await execAll(pipeline)) as string[][];
    const entries = await Promise.all(
      slotIds.map(async (slotId, index) => {
        const bookings = await Promise.all((idLists[index] ?? []).map((id) => this.getBooking(tenantId, id)));
        return [slotId, bookings.filter((booking): booking is Booking => booking !== null)] as const;
      }),
    );
    return new Map(entries);
  }

  async cancel(tenantId: string, bookingId: string): Promise<'cancelled' | 'already_cancelled' | 'not_found'> {
    const booking = await this.getBooking(tenantId, bookingId);
    if (!booking) return 'not_found';
    const prefix = base(tenantId);
    return (await this.cancelScript(
      `${prefix}booking:${bookingId}`,
      `${prefix}slot:${booking.resourceId}:${booking.slotId}`,
      this.now(),
    )) as 'cancelled' | 'already_cancelled' | 'not_found';
  }
}

function base(tenantId: string): string {
  return `booking:${tenantTag(tenantId)}:`;
}
