import { Errors } from '@voxgate/openai-wire';
import { z } from 'zod';
import { EntityIdSchema } from '../builtin-operation';
import { AmountSchema, CurrencySchema, formatMinorUnits, toMinorUnits } from './money';
import type { PaymentRecord, RefundRecord } from './payment-connector';
import type { PaymentLedgerRepository } from './payment-ledger.repository';
import { type PaymentPolicyInput, toPaymentPolicy, toPolicyView } from './payment-policy';

/** Body of `PUT /admin/tenants/{id}/payment/customers/{customer}/balances/{currency}`. */
export const SetCustomerBalanceInputSchema = z.strictObject({ amount: AmountSchema.or(z.literal(0)) });
export type SetCustomerBalanceInput = z.infer<typeof SetCustomerBalanceInputSchema>;

export const CustomerIdSchema = EntityIdSchema;
export { CurrencySchema };

/** Query of `GET /admin/tenants/{id}/payment/customers/{customer}/payments`. */
export const ListCustomerPaymentsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});
export type ListCustomerPaymentsQuery = z.infer<typeof ListCustomerPaymentsQuerySchema>;

/** A customer's balances in the built-in ledger, by currency, in major units (`"12.50"`). */
export interface CustomerBalancesView {
  readonly object: 'customer_balances';
  readonly customer_id: string;
  readonly balances: Record<string, string>;
}

/** A charge as ops read it, with its refunds. Amounts in major units. */
export interface PaymentView {
  readonly object: 'payment';
  readonly id: string;
  readonly customer_id: string;
  readonly amount: string;
  readonly currency: string;
  readonly refunded: string;
  readonly status: PaymentRecord['status'];
  readonly description: string;
  /** ISO 8601. */
  readonly created_at: string;
  readonly refunds: RefundView[];
}

export interface RefundView {
  readonly object: 'refund';
  readonly id: string;
  readonly amount: string;
  readonly currency: string;
  readonly created_at: string;
}

/** Sets a customer's balance in the built-in ledger (opening the account in that currency). */
export class SetCustomerBalance {
  constructor(private readonly ledger: PaymentLedgerRepository) {}

  async execute(
    tenantId: string,
    customerId: string,
    currency: string,
    input: SetCustomerBalanceInput,
  ): Promise<CustomerBalancesView> {
    const minor = toMinorUnits(input.amount, currency);
    if (minor === null)
      throw Errors.invalidRequest(`'${String(input.amount)}' is not a valid ${currency} amount.`, 'amount');
    await this.ledger.setBalance(tenantId, customerId, currency, minor);
    return balancesView(customerId, await this.ledger.balances(tenantId, customerId));
  }
}

/** A customer's balances; 404 when the customer has no account in any currency. */
export class GetCustomerBalances {
  constructor(private readonly ledger: PaymentLedgerRepository) {}

  async execute(tenantId: string, customerId: string): Promise<CustomerBalancesView> {
    const balances = await this.ledger.balances(tenantId, customerId);
    if (Object.keys(balances).length === 0) throw Errors.notFound('customer', customerId);
    return balancesView(customerId, balances);
  }
}

/** A customer's charges in the built-in ledger, newest first, each with its refunds. */
export class ListCustomerPayments {
  constructor(private readonly ledger: PaymentLedgerRepository) {}

  async execute(tenantId: string, customerId: string, query: ListCustomerPaymentsQuery): Promise<PaymentView[]> {
    const payments = await this.ledger.paymentsOf(tenantId, customerId, query.limit);
    return Promise.all(
      payments.map(async (payment) => paymentView(payment, await this.ledger.refundsOf(tenantId, payment.id))),
    );
  }
}

/** One charge with its refunds; 404 when the tenant has none with that id. */
export class GetPayment {
  constructor(private readonly ledger: PaymentLedgerRepository) {}

  async execute(tenantId: string, paymentId: string): Promise<PaymentView> {
    const payment = await this.ledger.lookup(tenantId, paymentId);
    if (!payment) throw Errors.notFound('payment', paymentId);
    return paymentView(payment, await this.ledger.refundsOf(tenantId, paymentId));
  }
}

function balancesView(customerId: string, balances: Record<string, number>): CustomerBalancesView {
  return {
    object: 'customer_balances',
    customer_id: customerId,
    balances: Object.fromEntries(
      Object.entries(balances).map(([code, amount]) => [code, formatMinorUnits(amount, code)]),
    ),
  };
}

function paymentView(payment: PaymentRecord, refunds: readonly RefundRecord[]): PaymentView {
  return {
    object: 'payment',
    id: payment.id,
    customer_id: payment.customerId,
    amount: formatMinorUnits(payment.amountMinor, payment.currency),
    currency: payment.currency,
    refunded: formatMinorUnits(payment.refundedMinor, payment.currency),
    status: payment.status,
    description: payment.description,
    created_at: new Date(payment.createdAt).toISOString(),
    refunds: refunds.map((refund) => ({
      object: 'refund',
      id: refund.id,
      amount: formatMinorUnits(refund.amountMinor, refund.currency),
      currency: refund.currency,
      created_at: new Date(refund.createdAt).toISOString(),
    })),
  };
}

/** Replaces a tenant's payment policy (currency allow-list, limits, confirmation thresholds). */
export class SetPaymentPolicy {
  constructor(private readonly ledger: PaymentLedgerRepository) {}

  async execute(tenantId: string, input: PaymentPolicyInput): Promise<PaymentPolicyInput> {
    const policy = toPaymentPolicy(input);
    if ('error' in policy) throw Errors.invalidRequest(policy.error, 'currencies');
    await this.ledger.setPolicy(tenantId, policy);
    return toPolicyView(policy);
  }
}

/** The tenant's payment policy, or `null` when none is set (every charge is then refused). */
export class GetPaymentPolicy {
  constructor(private readonly ledger: PaymentLedgerRepository) {}

  async execute(tenantId: string): Promise<PaymentPolicyInput | null> {
    const policy = await this.ledger.policy(tenantId);
    return policy ? toPolicyView(policy) : null;
  }
}
