import { z } from 'zod';
import { canonicalHash } from '../../execution/canonical-json';
import { failure, ok, type JsonObject, type ToolOutcome } from '../../tool-module';
import { type BuiltinOperation, defineOperation, EntityIdSchema, IdempotencyKeySchema } from '../builtin-operation';
import type { ConfirmationTokens } from './confirmation-token';
import { AmountSchema, CurrencySchema, formatMinorUnits, toMinorUnits } from './money';
import type { PaymentConnector, PaymentRecord } from './payment-connector';
import type { PaymentLedgerRepository } from './payment-ledger.repository';
import { decideCharge } from './payment-policy';

const ChargeInputSchema = z.strictObject({
  customer_id: EntityIdSchema,
  amount: AmountSchema.describe('In the currency\'s major unit, e.g. "12.50".'),
  currency: CurrencySchema,
  description: z.string().max(500).default(''),
  idempotency_key: IdempotencyKeySchema.optional().describe(
    'Optional: charging again with the same key returns the first charge instead of charging twice.',
  ),
});

const RefundInputSchema = z.strictObject({
  payment_id: z.string().min(1).max(64),
  amount: AmountSchema.optional().describe('Omit to refund everything not yet refunded.'),
  idempotency_key: IdempotencyKeySchema.optional(),
});

const LookupInputSchema = z.strictObject({ payment_id: z.string().min(1).max(64) });

/** The operation name confirmation tokens are bound to. */
export const CHARGE_OPERATION = 'payment.charge';

/**
 * `payment.charge`, `payment.refund`, `payment.lookup` against a connector, under the tenant's policy
 * (currency allow-list, maximum per charge) and, above the tenant's threshold, only with the client
 * app's confirmation token (flow in the lib README).
 */
export function createPaymentOperations(
  connector: PaymentConnector,
  policies: Pick<PaymentLedgerRepository, 'policy'>,
  tokens: ConfirmationTokens,
): Record<'charge' | 'refund' | 'lookup', BuiltinOperation> {
  return {
    charge: defineOperation({
      description:
        "Charges a customer's account. Large amounts need the user's explicit confirmation: the result then says so, and the charge runs once the app confirms and you call this tool again with exactly the same arguments.",
      input: ChargeInputSchema,
      effect: 'side_effect',
      needsApproval: true,
      run: async (input, ctx): Promise<ToolOutcome> => {
        const amountMinor = toMinorUnits(input.amount, input.currency);
        if (amountMinor === null || amountMinor <= 0)
          return failure('invalid_amount', `${String(input.amount)} is not a valid ${input.currency} amount.`);
        const decision = decideCharge(await policies.policy(ctx.tenantId), input.currency, amountMinor);
        if (decision.verdict === 'refuse') return failure(decision.code, decision.message);

        const argumentsHash = canonicalHash(input as JsonObject);
        let idempotencyKey = input.idempotency_key ?? ctx.idempotencyKey;
        if (decision.verdict === 'confirm') {
          const subject = { tenantId: ctx.tenantId, operation: CHARGE_OPERATION, argumentsHash };
          if (ctx.confirmationToken === null) {
            const { token, expiresAt } = tokens.mint(subject);
            const summary = { ...input } as JsonObject;
            return {
              status: 'confirmation_required',
              message: `Charging ${formatMinorUnits(amountMinor, input.currency)} ${input.currency} needs the user's confirmation in the app. Nothing was charged. Ask the user to confirm; once the app confirms, call this tool again with exactly these arguments.`,
              token,
              expiresAt,
              summary,
            };
          }
          const check = tokens.verify(ctx.confirmationToken, subject);
          if (!check.valid) {
            return failure(
              'confirmation_invalid',
              `The confirmation sent by the app does not confirm this charge (${check.reason.replace(/_/g, ' ')}). Nothing was charged.`,
            );
          }
          // One confirmation pays once: a replayed token returns the same charge.
          if (input.idempotency_key === undefined) idempotencyKey = `confirmation:${check.nonce}`;
        }

        const result = await connector.charge(ctx.tenantId, {
          customerId: input.customer_id,
          amountMinor,
          currency: input.currency,
          description: input.description,
          idempotencyKey,
          argumentsHash,
        });
        switch (result.kind) {
          case 'no_account':
            return failure('no_account', `Customer '${input.customer_id}' has no ${input.currency} account.`);
          case 'insufficient_funds':
            return failure('insufficient_funds', 'The customer does not have enough funds for this charge.');
          case 'existing':
            if (result.payment.argumentsHash !== argumentsHash)
              return failure('idempotency_key_reused', 'This idempotency key was already used for another charge.');
            return ok({ ...paymentView(result.payment), replayed: true });
          case 'charged':
            return ok(paymentView(result.payment));
        }
      },
    }),
    refund: defineOperation({
      description: 'Refunds a payment, fully or in part. Refunds never exceed what was charged.',
      input: RefundInputSchema,
      effect: 'side_effect',
      run: async (input, ctx) => {
        const payment = await connector.lookup(ctx.tenantId, input.payment_id);
        if (!payment) return failure('payment_not_found', `There is no payment '${input.payment_id}'.`);
        let amountMinor: number | null = null;
        if (input.amount !== undefined) {
          amountMinor = toMinorUnits(input.amount, payment.currency);
          if (amountMinor === null || amountMinor <= 0)
            return failure('invalid_amount', `${String(input.amount)} is not a valid ${payment.currency} amount.`);
        }
        const result = await connector.refund(ctx.tenantId, {
          paymentId: input.payment_id,
          amountMinor,
          idempotencyKey: input.idempotency_key ?? ctx.idempotencyKey,
        });
        switch (result.kind) {
          case 'no_payment':
            return failure('payment_not_found', `There is no payment '${input.payment_id}'.`);
          case 'fully_refunded':
            return failure('already_refunded', 'This payment has already been refunded in full.');
          case 'exceeds':
            return failure(
              'refund_exceeds_payment',
              `At most ${formatMinorUnits(result.remainingMinor, payment.currency)} ${payment.currency} of this payment can still be refunded.`,
            );
          case 'existing':
          case 'refunded':
            if (result.refund.paymentId !== input.payment_id)
              return failure('idempotency_key_reused', 'This idempotency key was already used for another refund.');
            return ok({
              refund_id: result.refund.id,
              payment_id: result.refund.paymentId,
              amount: formatMinorUnits(result.refund.amountMinor, result.refund.currency),
              currency: result.refund.currency,
              ...(result.kind === 'existing' ? { replayed: true } : {}),
            });
        }
      },
    }),
    lookup: defineOperation({
      description: 'Looks up a payment by its payment_id: amount, currency, status and how much was refunded.',
      input: LookupInputSchema,
      effect: 'read',
      run: async (input, ctx) => {
        const payment = await connector.lookup(ctx.tenantId, input.payment_id);
        if (!payment) return failure('payment_not_found', `There is no payment '${input.payment_id}'.`);
        return ok(paymentView(payment));
      },
    }),
  };
}

function paymentView(payment: PaymentRecord): JsonObject {
  return {
    payment_id: payment.id,
    customer_id: payment.customerId,
    amount: formatMinorUnits(payment.amountMinor, payment.currency),
    currency: payment.currency,
    refunded: formatMinorUnits(payment.refundedMinor, payment.currency),
    status: payment.status,
    description: payment.description,
    created_at: new Date(payment.createdAt).toISOString(),
  };
}
