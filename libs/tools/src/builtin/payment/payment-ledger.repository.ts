import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { defineScript, type RedisScript, tenantTag } from '../../redis-script';
import type {
  ChargeRequest,
  ChargeResult,
  PaymentConnector,
  PaymentRecord,
  RefundRequest,
  RefundResult,
  RefundRecord,
} from './payment-connector';
import type { PaymentPolicy } from './payment-policy';

/**
 * The built-in payment connector: customer balances in Redis, plus the tenant's payment policy.
 *
 * - `payment:{t:T}:policy`                 string, JSON `PaymentPolicy`
 * - `payment:{t:T}:balance:<customer>`     hash currency → minor units
 * - `payment:{t:T}:payment:<id>`           hash, see charge-payment-4.lua
 * - `payment:{t:T}:customer-payments:<c>`  sorted set of the customer's payment ids by creation (unix ms)
 * - `payment:{t:T}:refunds:<payment>`      list of the payment's refunds (JSON), oldest first
 * - `payment:{t:T}:charge-key:<key>`       string: payment id charged with that idempotency key
 * - `payment:{t:T}:refund-key:<key>`       string: JSON refund made with that idempotency key
 */
export class PaymentLedgerRepository implements PaymentConnector {
  private readonly chargeScript: RedisScript;
  private readonly refundScript: RedisScript;

  constructor(
    private readonly redis: Redis,
    private readonly now: () => number = Date.now,
  ) {
    this.chargeScript = defineScript(redis, __dirname, 'charge-payment-4.lua');
    this.refundScript = defineScript(redis, __dirname, 'refund-payment-4.lua');
  }

  async setPolicy(tenantId: string, policy: PaymentPolicy): Promise<void> {
    await this.redis.set(`${base(tenantId)}policy`, JSON.stringify(policy));
  }

  async policy(tenantId: string): Promise<PaymentPolicy | null> {
    const raw = await this.redis.get(`${base(tenantId)}policy`);
    return raw === null ? null : (JSON.parse(raw) as PaymentPolicy);
  }

  async setBalance(tenantId: string, customerId: string, currency: string, amountMinor: number): Promise<void> {
    await this.redis.hset(`${base(tenantId)}balance:${customerId}`, currency, amountMinor);
  }

  async balances(tenantId: string, customerId: string): Promise<Record<string, number>> {
    const hash = await this.redis.hgetall(`${base(tenantId)}balance:${customerId}`);
    return Object.fromEntries(Object.entries(hash).map(([currency, amount]) => [currency, Number(amount)]));
  }

  async charge(tenantId: string, request: ChargeRequest): Promise<ChargeResult> {
    const prefix = base(tenantId);
    const id = `pay_${randomBytes(9).toString('base64url')}`;
    const [kind, value] = (await this.chargeScript(
      `${prefix}charge-key:${request.idempotencyKey}`,
      `${prefix}balance:${request.customerId}`,
      `${prefix}payment:${id}`,
      `${prefix}customer-payments:${request.customerId}`,
      id,
      request.customerId,
      request.amountMinor,
      request.currency,
      request.description,
      this.now(),
      request.idempotencyKey,
      request.argumentsHash,
    )) as [string, string];
    if (kind === 'no_account') return { kind };
    if (kind === 'insufficient_funds') return { kind, balanceMinor: Number(value) };
    const payment = await this.lookup(tenantId, value);
    if (!payment) throw new Error(`payment ${value} vanished`);
    return { kind: kind as 'charged' | 'existing', payment };
  }

  async refund(tenantId: string, request: RefundRequest): Promise<RefundResult> {
    const prefix = base(tenantId);
    const payment = await this.lookup(tenantId, request.paymentId);
    const [kind, value] = (await this.refundScript(
      `${prefix}refund-key:${request.idempotencyKey}`,
      `${prefix}payment:${request.paymentId}`,
      `${prefix}balance:${payment?.customerId ?? ''}`,
      `${prefix}refunds:${request.paymentId}`,
      `rfd_${randomBytes(9).toString('base64url')}`,
      request.amountMinor ?? 0,
      this.now(),
      payment?.customerId ?? '',
    )) as [string, string];
    switch (kind) {
      case 'refunded':
      case 'existing':
        return { kind, refund: parseRefund(value) };
      case 'exceeds':
        return { kind, remainingMinor: Number(value) };
      default:
        return { kind: kind as 'no_payment' | 'fully_refunded' };
    }
  }

  /** The customer's payments, newest first, at most `limit`. */
  async paymentsOf(tenantId: string, customerId: string, limit: number): Promise<PaymentRecord[]> {
    const ids = await this.redis.zrevrange(`${base(tenantId)}customer-payments:${customerId}`, 0, limit - 1);
    const payments = await Promise.all(ids.map((id) => this.lookup(tenantId, id)));
    return payments.filter((payment): payment is PaymentRecord => payment !== null);
  }

  /** The refunds of a payment, oldest first. */
  async refundsOf(tenantId: string, paymentId: string): Promise<RefundRecord[]> {
    return (await this.redis.lrange(`${base(tenantId)}refunds:${paymentId}`, 0, -1)).map(parseRefund);
  }

  async lookup(tenantId: string, paymentId: string): Promise<PaymentRecord | null> {
    const hash = await this.redis.hgetall(`${base(tenantId)}payment:${paymentId}`);
    if (!hash.id) return null;
    return {
      id: hash.id,
      customerId: hash.customer_id ?? '',
      amountMinor: Number(hash.amount),
      currency: hash.currency ?? '',
      refundedMinor: Number(hash.refunded ?? 0),
      status: (hash.status ?? 'succeeded') as PaymentRecord['status'],
      description: hash.description ?? '',
      createdAt: Number(hash.created_at),
      argumentsHash: hash.arguments_hash ?? '',
    };
  }
}

/** A refund as the refund script encodes it. */
function parseRefund(json: string): RefundRecord {
  const raw = JSON.parse(json) as {
    id: string;
    payment_id: string;
    amount: number;
    currency: string;
    created_at: number;
  };
  return {
    id: raw.id,
    paymentId: raw.payment_id,
    amountMinor: raw.amount,
    currency: raw.currency,
    createdAt: raw.created_at,
  };
}

function base(tenantId: string): string {
  return `payment:${tenantTag(tenantId)}:`;
}
