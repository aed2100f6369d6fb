/**
 * Where money actually moves. The built-in connector is a Redis ledger of customer balances
 * (`PaymentLedgerRepository`); a real processor plugs in by implementing this interface, and the
 * payment tool's policy, confirmation and idempotency rules apply unchanged in front of it.
 *
 * Every method must be idempotent per `idempotencyKey`: the same key returns the first result.
 */
export interface PaymentConnector {
  charge(tenantId: string, request: ChargeRequest): Promise<ChargeResult>;
  refund(tenantId: string, request: RefundRequest): Promise<RefundResult>;
  lookup(tenantId: string, paymentId: string): Promise<PaymentRecord | null>;
}

export interface ChargeRequest {
  readonly customerId: string;
  /** Minor units (cents), > 0. */
  readonly amountMinor: number;
  readonly currency: string;
  readonly description: string;
  readonly idempotencyKey: string;
  /** `canonicalHash` of the charge's arguments, so a key reused for another charge is detected. */
  readonly argumentsHash: string;
}

export interface RefundRequest {
  readonly paymentId: string;
  /** Minor units; `null` refunds everything not yet refunded. */
  readonly amountMinor: number | null;
  readonly idempotencyKey: string;
}

export interface PaymentRecord {
  readonly id: string;
  readonly customerId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly refundedMinor: number;
  readonly status: 'succeeded' | 'partially_refunded' | 'refunded';
  readonly description: string;
  /** Unix ms. */
  readonly createdAt: number;
  readonly argumentsHash: string;
}

export interface RefundRecord {
  readonly id: string;
  readonly paymentId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly createdAt: number;
}

export type ChargeResult =
  | { readonly kind: 'charged' | 'existing'; readonly payment: PaymentRecord }
  | { readonly kind: 'no_account' }
  | { readonly kind: 'insufficient_funds'; readonly balanceMinor: number };

export type RefundResult =
  | { readonly kind: 'refunded' | 'existing'; readonly refund: RefundRecord }
  | { readonly kind: 'no_payment' | 'fully_refunded' }
  | { readonly kind: 'exceeds'; readonly remainingMinor: number };
