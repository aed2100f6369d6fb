import { ListBookingSlotsQuerySchema, ListCustomerPaymentsQuerySchema } from '@voxgate/tools';
import { json, jsonBody, type RouteGroup } from '../route-doc';

const BOOKING = '/admin/tenants/{tenantId}/booking';
const PAYMENT = '/admin/tenants/{tenantId}/payment';

export const ADMIN_BOOKING_PATHS: RouteGroup = {
  tag: {
    name: 'Admin: booking',
    description: "Ops: the data of a tenant's built-in `booking` tool — resources, time slots, bookings.",
  },
  routes: [
    {
      method: 'get',
      path: `${BOOKING}/resources`,
      operationId: 'listBookingResources',
      summary: 'List bookable resources',
      access: 'admin',
      responses: { '200': json('BookingResourceList', 'The resources.') },
    },
    {
      method: 'put',
      path: `${BOOKING}/resources/{resourceId}`,
      operationId: 'upsertBookingResource',
      summary: 'Create or rename a resource',
      description: '`slots` are added, or resized when they exist (keeping their bookings).',
      access: 'admin',
      body: jsonBody('UpsertBookingResourceRequest'),
      responses: { '200': json('BookingResource', 'The resource.') },
    },
    {
      method: 'post',
      path: `${BOOKING}/resources/{resourceId}/slots`,
      operationId: 'addBookingSlots',
      summary: 'Add time slots to a resource',
      access: 'admin',
      body: jsonBody('AddBookingSlotsRequest'),
      responses: { '201': json('BookingSlotList', 'The slots added or resized.') },
    },
    {
      method: 'get',
      path: `${BOOKING}/resources/{resourceId}/slots`,
      operationId: 'listBookingSlots',
      summary: 'List slots with availability and bookings',
      access: 'admin',
      query: ListBookingSlotsQuerySchema,
      responses: { '200': json('BookingSlotList', 'Slots starting in `[from, to]`.') },
    },
    {
      method: 'get',
      path: `${BOOKING}/bookings/{bookingId}`,
      operationId: 'retrieveBooking',
      summary: 'Retrieve a booking',
      access: 'admin',
      responses: { '200': json('Booking', 'The booking.') },
    },
    {
      method: 'post',
      path: `${BOOKING}/bookings/{bookingId}/cancel`,
      operationId: 'cancelBooking',
      summary: "Cancel a booking on the customer's behalf",
      description: 'Frees its place; cancelling again answers the same cancelled booking.',
      access: 'admin',
      responses: { '200': json('Booking', 'The cancelled booking.') },
    },
  ],
};

export const ADMIN_PAYMENT_PATHS: RouteGroup = {
  tag: {
    name: 'Admin: payment',
    description:
      "Ops: the data of a tenant's built-in `payment` tool — its policy, customer balances in the built-in ledger, charges and refunds.",
  },
  routes: [
    {
      method: 'put',
      path: `${PAYMENT}/policy`,
      operationId: 'setPaymentPolicy',
      summary: 'Replace the payment policy',
      access: 'admin',
      body: jsonBody('PaymentPolicyRequest'),
      responses: { '200': json('PaymentPolicy', 'The policy now in force.') },
    },
    {
      method: 'get',
      path: `${PAYMENT}/policy`,
      operationId: 'getPaymentPolicy',
      summary: 'Read the payment policy',
      description: '404 `payment_policy_not_found` until one is set (the tenant cannot be charged until then).',
      access: 'admin',
      responses: { '200': json('PaymentPolicy', 'The policy.') },
    },
    {
      method: 'put',
      path: `${PAYMENT}/customers/{customerId}/balances/{currency}`,
      operationId: 'setCustomerBalance',
      summary: "Set a customer's balance in one currency",
      access: 'admin',
      body: jsonBody('SetCustomerBalanceRequest'),
      responses: { '200': json('CustomerBalances', "The customer's balances.") },
    },
    {
      method: 'get',
      path: `${PAYMENT}/customers/{customerId}/balances`,
      operationId: 'getCustomerBalances',
      summary: "Read a customer's balances",
      access: 'admin',
      responses: { '200': json('CustomerBalances', "The customer's balances.") },
    },
    {
      method: 'get',
      path: `${PAYMENT}/customers/{customerId}/payments`,
      operationId: 'listCustomerPayments',
      summary: "List a customer's charges, newest first",
      access: 'admin',
      query: ListCustomerPaymentsQuerySchema,
      responses: { '200': json('PaymentList', 'The charges, each with its refunds.') },
    },
    {
      method: 'get',
      path: `${PAYMENT}/payments/{paymentId}`,
      operationId: 'retrievePayment',
      summary: 'Retrieve a charge',
      access: 'admin',
      responses: { '200': json('Payment', 'The charge, with its refunds.') },
    },
  ],
};
