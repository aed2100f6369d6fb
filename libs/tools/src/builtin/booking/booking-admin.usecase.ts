import { Errors } from '@voxgate/openai-wire';
import { z } from 'zod';
import { EntityIdSchema } from '../builtin-operation';
import type { Booking, BookingRepository, BookingResource, BookingSlot } from './booking.repository';

const SlotSchema = z
  .strictObject({
    start: z.iso.datetime({ offset: true }),
    end: z.iso.datetime({ offset: true }),
    capacity: z.number().int().min(1).max(10_000).default(1),
  })
  .refine((slot) => Date.parse(slot.end) > Date.parse(slot.start), {
    message: 'end must be after start',
    path: ['end'],
  });

/** Body of `PUT /admin/tenants/{id}/booking/resources/{resource}`. */
export const UpsertBookingResourceInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  slots: z.array(SlotSchema).max(1_000).default([]),
});
export type UpsertBookingResourceInput = z.infer<typeof UpsertBookingResourceInputSchema>;

/** Body of `POST /admin/tenants/{id}/booking/resources/{resource}/slots`. */
export const AddBookingSlotsInputSchema = z.strictObject({ slots: z.array(SlotSchema).min(1).max(1_000) });
export type AddBookingSlotsInput = z.infer<typeof AddBookingSlotsInputSchema>;

export const BookingResourceIdSchema = EntityIdSchema;

/** Query of `GET /admin/tenants/{id}/booking/resources/{resource}/slots`: slots starting in `[from, to]`. */
export const ListBookingSlotsQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(200),
});
export type ListBookingSlotsQuery = z.infer<typeof ListBookingSlotsQuerySchema>;

/** A resource as ops read it. */
export interface BookingResourceView {
  readonly object: 'booking_resource';
  readonly id: string;
  readonly name: string;
  /** ISO 8601. */
  readonly created_at: string;
}

/** A booking as ops read it. */
export interface BookingView {
  readonly object: 'booking';
  readonly id: string;
  readonly resource_id: string;
  readonly slot_id: string;
  readonly start: string;
  readonly end: string;
  readonly customer_name: string;
  readonly status: 'confirmed' | 'cancelled';
  readonly created_at: string;
  readonly cancelled_at: string | null;
}

/** A slot as ops read it: capacity, what is booked, what is left, and its bookings (cancelled ones too). */
export interface BookingSlotView {
  readonly object: 'booking_slot';
  readonly slot_id: string;
  readonly start: string;
  readonly end: string;
  readonly capacity: number;
  readonly booked: number;
  readonly available: number;
  readonly bookings: BookingView[];
}

/** Creates or renames a bookable resource, optionally with slots (added, or resized when they exist). */
export class UpsertBookingResource {
  constructor(private readonly bookings: BookingRepository) {}

  async execute(tenantId: string, resourceId: string, input: UpsertBookingResourceInput): Promise<BookingResourceView> {
    const resource = await this.bookings.upsertResource(tenantId, { id: resourceId, name: input.name });
    if (input.slots.length > 0) await this.bookings.upsertSlots(tenantId, resourceId, toSlots(input.slots));
    return resourceView(resource);
  }
}

/** Adds (or resizes) time slots of an existing resource; returns its slots from the earliest one added. */
export class AddBookingSlots {
  constructor(private readonly bookings: BookingRepository) {}

  async execute(tenantId: string, resourceId: string, input: AddBookingSlotsInput): Promise<BookingSlotView[]> {
    await mustExist(this.bookings, tenantId, resourceId);
    const slots = toSlots(input.slots);
    await this.bookings.upsertSlots(tenantId, resourceId, slots);
    const from = Math.min(...slots.map((slot) => slot.startMs));
    const added = await this.bookings.slots(tenantId, resourceId, from, Number.MAX_SAFE_INTEGER, 1_000);
    return slotViews(this.bookings, tenantId, resourceId, added);
  }
}

/** The tenant's resources, by id. */
export class ListBookingResources {
  constructor(private readonly bookings: BookingRepository) {}

  async execute(tenantId: string): Promise<BookingResourceView[]> {
    return (await this.bookings.resources(tenantId)).map(resourceView);
  }
}

/** A resource's slots (all, or those starting in `[from, to]`), earliest first, with their bookings. */
export class ListBookingSlots {
  constructor(private readonly bookings: BookingRepository) {}

  async execute(tenantId: string, resourceId: string, query: ListBookingSlotsQuery): Promise<BookingSlotView[]> {
    await mustExist(this.bookings, tenantId, resourceId);
    const from = query.from ? Date.parse(query.from) : 0;
    const to = query.to ? Date.parse(query.to) : Number.MAX_SAFE_INTEGER;
    const slots = await this.bookings.slots(tenantId, resourceId, from, to, query.limit);
    return slotViews(this.bookings, tenantId, resourceId, slots);
  }
}

/** One booking, or 404. */
export class GetBooking {
  constructor(private readonly bookings: BookingRepository) {}

  async execute(tenantId: string, bookingId: string): Promise<BookingView> {
    const booking = await this.bookings.getBooking(tenantId, bookingId);
    if (!booking) throw Errors.notFound('booking', bookingId);
    return bookingView(booking);
  }
}

/**
 * Ops cancel a booking (e.g. the customer phoned): frees its place, at most once. Cancelling a cancelled
 * booking changes nothing and answers the same booking.
 */
export class CancelBooking {
  constructor(private readonly bookings: BookingRepository) {}

  async execute(tenantId: string, bookingId: string): Promise<BookingView> {
    if ((await this.bookings.cancel(tenantId, bookingId)) === 'not_found') throw Errors.notFound('booking', bookingId);
    const booking = await this.bookings.getBooking(tenantId, bookingId);
    if (!booking) throw Errors.notFound('booking', bookingId);
    return bookingView(booking);
  }
}

async function mustExist(bookings: BookingRepository, tenantId: string, resourceId: string): Promise<void> {
  if (!(await bookings.getResource(tenantId, resourceId))) throw Errors.notFound('booking_resource', resourceId);
}

async function slotViews(
  bookings: BookingRepository,
  tenantId: string,
  resourceId: string,
  slots: readonly BookingSlot[],
): Promise<BookingSlotView[]> {
  const bySlot = await bookings.bookingsOfSlots(
    tenantId,
    resourceId,
    slots.map((slot) => slot.slotId),
  );
  return slots.map((slot) => ({
    object: 'booking_slot',
    slot_id: slot.slotId,
    start: slot.start,
    end: slot.end,
    capacity: slot.capacity,
    booked: slot.booked,
    available: Math.max(0, slot.capacity - slot.booked),
    bookings: (bySlot.get(slot.slotId) ?? []).map(bookingView),
  }));
}

function resourceView(resource: BookingResource): BookingResourceView {
  return {
    object: 'booking_resource',
    id: resource.id,
    name: resource.name,
    created_at: new Date(resource.createdAt).toISOString(),
  };
}

function bookingView(booking: Booking): BookingView {
  return {
    object: 'booking',
    id: booking.id,
    resource_id: booking.resourceId,
    slot_id: booking.slotId,
    start: booking.start,
    end: booking.end,
    customer_name: booking.customer,
    status: booking.status,
    created_at: new Date(booking.createdAt).toISOString(),
    cancelled_at: booking.cancelledAt === null ? null : new Date(booking.cancelledAt).toISOString(),
  };
}

function toSlots(slots: readonly z.infer<typeof SlotSchema>[]) {
  return slots.map((slot) => ({
    startMs: Date.parse(slot.start),
    endMs: Date.parse(slot.end),
    capacity: slot.capacity,
  }));
}
