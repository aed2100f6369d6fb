import { Errors } from '@voxgate/openai-wire';
import { z } from 'zod';
import { EntityIdSchema } from '../builtin-operation';
import type { BookingRepository, BookingResource, BookingSlot } from './booking.repository';

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

/** Creates or renames a bookable resource, optionally with slots. */
export class UpsertBookingResource {
  constructor(private readonly bookings: BookingRepository) {}

  async execute(tenantId: string, resourceId: string, input: UpsertBookingResourceInput): Promise<BookingResource> {
    const resource = await this.bookings.upsertResource(tenantId, { id: resourceId, name: input.name });
    if (input.slots.length > 0) await this.bookings.upsertSlots(tenantId, resourceId, toSlots(input.slots));
    return resource;
  }
}

/** Adds (or resizes) time slots of an existing resource; returns the resource's upcoming slots. */
export class AddBookingSlots {
  constructor(private readonly bookings: BookingRepository) {}

  async execute(tenantId: string, resourceId: string, input: AddBookingSlotsInput): Promise<BookingSlot[]> {
    if (!(await this.bookings.getResource(tenantId, resourceId))) throw Errors.notFound('booking_resource', resourceId);
    const slots = toSlots(input.slots);
    await this.bookings.upsertSlots(tenantId, resourceId, slots);
    const from = Math.min(...slots.map((slot) => slot.startMs));
    return this.bookings.slots(tenantId, resourceId, from, Number.MAX_SAFE_INTEGER, 1_000);
  }
}

function toSlots(slots: readonly z.infer<typeof SlotSchema>[]) {
  return slots.map((slot) => ({
    startMs: Date.parse(slot.start),
    endMs: Date.parse(slot.end),
    capacity: slot.capacity,
  }));
}
