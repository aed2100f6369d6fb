import { z } from 'zod';
import { canonicalHash } from '../../execution/canonical-json';
import { failure, ok, type JsonObject } from '../../tool-module';
import { type BuiltinOperation, defineOperation, EntityIdSchema, IdempotencyKeySchema } from '../builtin-operation';
import type { Booking, BookingRepository } from './booking.repository';

const DAY_MS = 86_400_000;

const AvailabilityInputSchema = z.strictObject({
  resource_id: EntityIdSchema.describe('The resource to book (table, room, doctor, ...).'),
  from: z.iso.datetime({ offset: true }).optional().describe('Earliest slot start, ISO 8601 (default: now).'),
  to: z.iso.datetime({ offset: true }).optional().describe('Latest slot start, ISO 8601 (default: 7 days after from).'),
  limit: z.number().int().min(1).max(100).default(20),
});

const BookInputSchema = z.strictObject({
  resource_id: EntityIdSchema,
  slot_id: z.string().min(1).max(64).describe('A slot_id returned by the availability check.'),
  customer_name: z.string().trim().min(1).max(200),
  idempotency_key: IdempotencyKeySchema.optional().describe(
    'Optional: the same key always returns the same booking instead of booking again.',
  ),
});

const CancelInputSchema = z.strictObject({ booking_id: z.string().min(1).max(64) });

/** `booking.check_availability`, `booking.book`, `booking.cancel` over the tenant's resources and slots. */
export function createBookingOperations(
  bookings: BookingRepository,
  now: () => number = Date.now,
): Record<'check_availability' | 'book' | 'cancel', BuiltinOperation> {
  return {
    check_availability: defineOperation({
      description: 'Lists the free time slots of a resource (slot_id, start, end, places left).',
      input: AvailabilityInputSchema,
      effect: 'read',
      run: async (input, ctx) => {
        const resource = await bookings.getResource(ctx.tenantId, input.resource_id);
        if (!resource) return failure('resource_not_found', `There is no resource '${input.resource_id}'.`);
        const fromMs = Math.max(input.from ? Date.parse(input.from) : now(), now());
        const toMs = input.to ? Date.parse(input.to) : fromMs + 7 * DAY_MS;
        const slots = await bookings.slots(ctx.tenantId, input.resource_id, fromMs, toMs, 500);
        const free = slots
          .filter((slot) => slot.booked < slot.capacity)
          .slice(0, input.limit)
          .map((slot) => ({
            slot_id: slot.slotId,
            start: slot.start,
            end: slot.end,
            places_left: slot.capacity - slot.booked,
          }));
        return ok({ resource_id: resource.id, resource_name: resource.name, slots: free });
      },
    }),
    book: defineOperation({
      description:
        'Books a slot of a resource for a customer. Booking again with the same idempotency_key returns the same booking.',
      input: BookInputSchema,
      effect: 'side_effect',
      run: async (input, ctx) => {
        // Slot ids are ISO timestamps; accept any spelling of the same instant.
        const parsed = Date.parse(input.slot_id);
        const slotId = Number.isNaN(parsed) ? input.slot_id : new Date(parsed).toISOString();
        const request = {
          resourceId: input.resource_id,
          slotId,
          customer: input.customer_name,
          idempotencyKey: input.idempotency_key ?? ctx.idempotencyKey,
          argumentsHash: canonicalHash({
            resource_id: input.resource_id,
            slot_id: slotId,
            customer_name: input.customer_name,
          }),
        };
        const outcome = await bookings.book(ctx.tenantId, request);
        switch (outcome.kind) {
          case 'no_slot':
            return failure('slot_not_found', `Resource '${input.resource_id}' has no slot '${input.slot_id}'.`);
          case 'full':
            return failure('slot_unavailable', 'That slot is fully booked; check availability again.');
          case 'past':
            return failure('slot_in_past', 'That slot has already started.');
          case 'existing':
            if (outcome.booking.argumentsHash !== request.argumentsHash)
              return failure('idempotency_key_reused', 'This idempotency key was already used for another booking.');
            return ok({ ...view(outcome.booking), replayed: true });
          case 'booked':
            return ok(view(outcome.booking));
        }
      },
    }),
    cancel: defineOperation({
      description: 'Cancels a booking by its booking_id and frees its place.',
      input: CancelInputSchema,
      effect: 'idempotent',
      run: async (input, ctx) => {
        const result = await bookings.cancel(ctx.tenantId, input.booking_id);
        if (result === 'not_found') return failure('booking_not_found', `There is no booking '${input.booking_id}'.`);
        return ok({
          booking_id: input.booking_id,
          status: 'cancelled',
          already_cancelled: result === 'already_cancelled',
        });
      },
    }),
  };
}

function view(booking: Booking): JsonObject {
  return {
    booking_id: booking.id,
    status: booking.status,
    resource_id: booking.resourceId,
    slot_id: booking.slotId,
    start: booking.start,
    end: booking.end,
    customer_name: booking.customer,
  };
}
