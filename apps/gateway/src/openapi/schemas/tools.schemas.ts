import {
  AddBookingSlotsInputSchema,
  type BookingResourceView,
  type BookingSlotView,
  type BookingView,
  type CustomerBalancesView,
  ImplementationSchema,
  PaymentPolicyInputSchema,
  type PaymentView,
  SetCustomerBalanceInputSchema,
  TOOL_EFFECTS,
  ToolDefinitionInputSchema,
  type ToolPublicView,
  UploadSearchDocumentsInputSchema,
  UpsertBookingResourceInputSchema,
} from '@voxgate/tools';
import { z } from 'zod';
import type { Assert, Describes, NamedSchema } from './documented';

const list = <T extends z.ZodType>(item: T) => z.object({ object: z.literal('list'), data: z.array(item) });
const iso = z.string().describe('ISO 8601.');

/** A registered tool as every read shows it: remote header values replaced by `***`. */
export const ToolSchema = z.object({
  name: z.string(),
  description: z.string(),
  parameters: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe('JSON Schema of the arguments; null for `mcp` tools (each server tool brings its own).'),
  effect: z.enum(TOOL_EFFECTS),
  timeout_ms: z.int(),
  implementation: ImplementationSchema,
  created_at: z.int().describe('Unix milliseconds.'),
  updated_at: z.int().describe('Unix milliseconds.'),
});
type _ToolChecked = Assert<Describes<typeof ToolSchema, ToolPublicView>>;

const ToolDeletedSchema = z.object({ name: z.string(), deleted: z.literal(true) });

const SearchDocumentsUploadedSchema = z.object({
  indexed: z.int().describe('Documents added or replaced by this request.'),
  total: z.int().describe("Documents in the tenant's corpus now."),
});

export const BookingResourceSchema = z.object({
  object: z.literal('booking_resource'),
  id: z.string(),
  name: z.string(),
  created_at: iso,
});
type _ResourceChecked = Assert<Describes<typeof BookingResourceSchema, BookingResourceView>>;

export const BookingSchema = z.object({
  object: z.literal('booking'),
  id: z.string(),
  resource_id: z.string(),
  slot_id: z.string(),
  start: iso,
  end: iso,
  customer_name: z.string(),
  status: z.enum(['confirmed', 'cancelled']),
  created_at: iso,
  cancelled_at: iso.nullable(),
});
type _BookingChecked = Assert<Describes<typeof BookingSchema, BookingView>>;

export const BookingSlotSchema = z.object({
  object: z.literal('booking_slot'),
  slot_id: z.string(),
  start: iso,
  end: iso,
  capacity: z.int(),
  booked: z.int(),
  available: z.int(),
  bookings: z.array(BookingSchema).describe('Cancelled bookings too.'),
});
type _SlotChecked = Assert<Describes<typeof BookingSlotSchema, BookingSlotView>>;

const PaymentPolicySchema = PaymentPolicyInputSchema.extend({
  object: z.literal('payment_policy'),
  tenant_id: z.string(),
});

export const CustomerBalancesSchema = z.object({
  object: z.literal('customer_balances'),
  customer_id: z.string(),
  balances: z.record(z.string(), z.string()).describe('Currency → balance in major units (`"12.50"`).'),
});
type _BalancesChecked = Assert<Describes<typeof CustomerBalancesSchema, CustomerBalancesView>>;

const RefundSchema = z.object({
  object: z.literal('refund'),
  id: z.string(),
  amount: z.string(),
  currency: z.string(),
  created_at: iso,
});

export const PaymentSchema = z.object({
  object: z.literal('payment'),
  id: z.string(),
  customer_id: z.string(),
  amount: z.string().describe('Major units.'),
  currency: z.string(),
  refunded: z.string().describe('Major units refunded so far.'),
  status: z.enum(['succeeded', 'partially_refunded', 'refunded']),
  description: z.string(),
  created_at: iso,
  refunds: z.array(RefundSchema),
});
type _PaymentChecked = Assert<Describes<typeof PaymentSchema, PaymentView>>;

export const TOOLS_REQUEST_COMPONENTS: readonly NamedSchema[] = [
  {
    id: 'ToolDefinitionRequest',
    schema: ToolDefinitionInputSchema,
    description:
      '`builtin` (search, booking, payment), `http` (a JSON endpoint, SSRF-checked) or `mcp` (a Streamable HTTP MCP server). ' +
      '`description` and `parameters` are required for `http`; `parameters` is not allowed for `mcp`.',
  },
  { id: 'UploadSearchDocumentsRequest', schema: UploadSearchDocumentsInputSchema },
  { id: 'UpsertBookingResourceRequest', schema: UpsertBookingResourceInputSchema },
  { id: 'AddBookingSlotsRequest', schema: AddBookingSlotsInputSchema },
  {
    id: 'PaymentPolicyRequest',
    schema: PaymentPolicyInputSchema,
    description:
      'Per currency (ISO 4217): `max_amount` per charge and `confirmation_above` (charges above it wait for the ' +
      "client app's confirmation). A currency left out cannot be charged.",
  },
  { id: 'SetCustomerBalanceRequest', schema: SetCustomerBalanceInputSchema },
];

export const TOOLS_RESPONSE_COMPONENTS: readonly NamedSchema[] = [
  { id: 'Tool', schema: ToolSchema },
  { id: 'ToolList', schema: list(ToolSchema) },
  { id: 'ToolDeleted', schema: ToolDeletedSchema },
  { id: 'SearchDocumentsUploaded', schema: SearchDocumentsUploadedSchema },
  { id: 'BookingResource', schema: BookingResourceSchema },
  { id: 'BookingResourceList', schema: list(BookingResourceSchema) },
  { id: 'BookingSlot', schema: BookingSlotSchema },
  { id: 'BookingSlotList', schema: list(BookingSlotSchema) },
  { id: 'Booking', schema: BookingSchema },
  { id: 'PaymentPolicy', schema: PaymentPolicySchema },
  { id: 'CustomerBalances', schema: CustomerBalancesSchema },
  { id: 'Payment', schema: PaymentSchema },
  { id: 'PaymentList', schema: list(PaymentSchema) },
];
