import { z } from 'zod';
import { AmountSchema, CurrencySchema, formatMinorUnits, toMinorUnits } from './money';

/**
 * Body of `PUT /admin/tenants/{id}/payment/policy`. The currencies listed are the only ones charges may
 * use (the allow-list); for each:
 * - `max_amount`: no single charge may exceed it;
 * - `confirmation_above`: charges above it run only after the client app confirms (see README); `null`
 *   or absent: never asked.
 */
export const PaymentPolicyInputSchema = z.strictObject({
  currencies: z.record(
    CurrencySchema,
    z.strictObject({ max_amount: AmountSchema, confirmation_above: AmountSchema.nullable().default(null) }),
  ),
});
export type PaymentPolicyInput = z.infer<typeof PaymentPolicyInputSchema>;

/** A tenant's payment policy in minor units (what the charge checks). */
export interface PaymentPolicy {
  readonly currencies: Readonly<
    Record<string, { readonly maxAmountMinor: number; readonly confirmationAboveMinor: number | null }>
  >;
}

/** Converts ops' decimal amounts to minor units; the error names the first amount that does not fit. */
export function toPaymentPolicy(input: PaymentPolicyInput): PaymentPolicy | { error: string } {
  const currencies: Record<string, { maxAmountMinor: number; confirmationAboveMinor: number | null }> = {};
  for (const [currency, limits] of Object.entries(input.currencies)) {
    const max = toMinorUnits(limits.max_amount, currency);
    if (max === null) return { error: `currencies.${currency}.max_amount is not a valid ${currency} amount` };
    const above = limits.confirmation_above === null ? null : toMinorUnits(limits.confirmation_above, currency);
    if (limits.confirmation_above !== null && above === null)
      return { error: `currencies.${currency}.confirmation_above is not a valid ${currency} amount` };
    currencies[currency] = { maxAmountMinor: max, confirmationAboveMinor: above };
  }
  return { currencies };
}

/** The policy as ops read it back (decimal strings). */
export function toPolicyView(policy: PaymentPolicy): PaymentPolicyInput {
  return {
    currencies: Object.fromEntries(
      Object.entries(policy.currencies).map(([currency, limits]) => [
        currency,
        {
          max_amount: formatMinorUnits(limits.maxAmountMinor, currency),
          confirmation_above:
            limits.confirmationAboveMinor === null ? null : formatMinorUnits(limits.confirmationAboveMinor, currency),
        },
      ]),
    ),
  };
}

/** Why a charge is refused by the policy, or `'confirm'` when it needs confirmation, or `'allow'`. */
export type PolicyDecision =
  | { readonly verdict: 'allow' }
  | { readonly verdict: 'confirm' }
  | { readonly verdict: 'refuse'; readonly code: string; readonly message: string };

export function decideCharge(policy: PaymentPolicy | null, currency: string, amountMinor: number): PolicyDecision {
  if (!policy) return refuse('payments_not_configured', 'Payments are not configured for this organisation.');
  const limits = policy.currencies[currency];
  if (!limits) {
    const allowed = Object.keys(policy.currencies).join(', ') || 'none';
    return refuse('currency_not_allowed', `Charges in ${currency} are not allowed (allowed: ${allowed}).`);
  }
  if (amountMinor > limits.maxAmountMinor) {
    return refuse(
      'amount_above_limit',
      `The amount exceeds the limit of ${formatMinorUnits(limits.maxAmountMinor, currency)} ${currency} per charge.`,
    );
  }
  if (limits.confirmationAboveMinor !== null && amountMinor > limits.confirmationAboveMinor)
    return { verdict: 'confirm' };
  return { verdict: 'allow' };
}

function refuse(code: string, message: string): PolicyDecision {
  return { verdict: 'refuse', code, message };
}
