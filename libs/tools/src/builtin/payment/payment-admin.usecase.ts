import { Errors } from '@voxgate/openai-wire';
import { z } from 'zod';
import { EntityIdSchema } from '../builtin-operation';
import { AmountSchema, CurrencySchema, formatMinorUnits, toMinorUnits } from './money';
import type { PaymentLedgerRepository } from './payment-ledger.repository';
import { type PaymentPolicyInput, toPaymentPolicy, toPolicyView } from './payment-policy';

/** Body of `PUT /admin/tenants/{id}/payment/customers/{customer}/balances/{currency}`. */
export const SetCustomerBalanceInputSchema = z.strictObject({ amount: AmountSchema.or(z.literal(0)) });
export type SetCustomerBalanceInput = z.infer<typeof SetCustomerBalanceInputSchema>;

export const CustomerIdSchema = EntityIdSchema;
export { CurrencySchema };

/** Sets a customer's balance in the built-in ledger (opening the account in that currency). */
export class SetCustomerBalance {
  constructor(private readonly ledger: PaymentLedgerRepository) {}

  async execute(
    tenantId: string,
    customerId: string,
    currency: string,
    input: SetCustomerBalanceInput,
  ): Promise<{ customer_id: string; balances: Record<string, string> }> {
    const minor = toMinorUnits(input.amount, currency);
    if (minor === null)
      throw Errors.invalidRequest(`'${String(input.amount)}' is not a valid ${currency} amount.`, 'amount');
    await this.ledger.setBalance(tenantId, customerId, currency, minor);
    const balances = await this.ledger.balances(tenantId, customerId);
    return {
      customer_id: customerId,
      balances: Object.fromEntries(
        Object.entries(balances).map(([code, amount]) => [code, formatMinorUnits(amount, code)]),
      ),
    };
  }
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
