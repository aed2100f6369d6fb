import type { Redis } from 'ioredis';
import { useTestRedis } from '@voxgate/testing';
import { toolContext } from '../../__fixtures__/tool-fixtures';
import type { JsonObject, ToolOutcome } from '../../tool-module';
import { ConfirmationTokens } from './confirmation-token';
import { GetPaymentPolicy, SetCustomerBalance, SetPaymentPolicy } from './payment-admin.usecase';
import { PaymentLedgerRepository } from './payment-ledger.repository';
import { PaymentPolicyInputSchema } from './payment-policy';
import { createPaymentOperations } from './payment.tool';

describe('built-in payment (real Redis)', () => {
  const redis = useTestRedis();
  let now = Date.parse('2030-01-01T00:00:00Z');
  const tokens = new ConfirmationTokens('payment-secret', 300_000, () => now);
  const operations = (connection: Redis = redis().redis) => {
    const ledger = new PaymentLedgerRepository(connection, () => now);
    return createPaymentOperations(ledger, ledger, tokens);
  };
  const ledger = () => new PaymentLedgerRepository(redis().redis, () => now);

  beforeEach(async () => {
    await new SetPaymentPolicy(ledger()).execute(
      'ten_a',
      PaymentPolicyInputSchema.parse({
        currencies: { EUR: { max_amount: '500.00', confirmation_above: '100.00' }, USD: { max_amount: 50 } },
      }),
    );
    await new SetCustomerBalance(ledger()).execute('ten_a', 'cust_1', 'EUR', { amount: '1000.00' });
    await new SetCustomerBalance(ledger()).execute('ten_a', 'cust_1', 'USD', { amount: '20' });
  });

  const charge = (input: JsonObject, context: Partial<Parameters<typeof toolContext>[0]> = {}, connection?: Redis) =>
    operations(connection).charge.execute({ customer_id: 'cust_1', currency: 'EUR', ...input }, toolContext(context));
  const balance = async (currency = 'EUR') => (await ledger().balances('ten_a', 'cust_1'))[currency];

  describe('policy', () => {
    it('reads back what ops set', async () => {
      expect(await new GetPaymentPolicy(ledger()).execute('ten_a')).toEqual({
        currencies: {
          EUR: { max_amount: '500.00', confirmation_above: '100.00' },
          USD: { max_amount: '50.00', confirmation_above: null },
        },
      });
      expect(await new GetPaymentPolicy(ledger()).execute('ten_b')).toBeNull();
    });

    it('charges within the limits and debits the balance', async () => {
      const outcome = await charge({ amount: '12.50', description: 'Coffee' });
      expect(outcome).toEqual({
        status: 'ok',
        result: expect.objectContaining({ amount: '12.50', currency: 'EUR', status: 'succeeded', refunded: '0.00' }),
      });
      expect(await balance()).toBe(98_750);
    });

    it('refuses an amount above the maximum, a currency not allowed, and a tenant without policy', async () => {
      expect(await charge({ amount: '500.01' })).toMatchObject({ code: 'amount_above_limit' });
      expect(await charge({ amount: '1', currency: 'GBP' })).toMatchObject({
        code: 'currency_not_allowed',
        message: 'Charges in GBP are not allowed (allowed: EUR, USD).',
      });
      expect(await charge({ amount: '1' }, { tenantId: 'ten_b' })).toMatchObject({ code: 'payments_not_configured' });
      expect(await charge({ amount: '1.001' })).toMatchObject({ code: 'invalid_amount' });
      expect(await balance()).toBe(100_000);
    });

    it('refuses a charge above the balance and a customer without account', async () => {
      expect(await charge({ amount: '30', currency: 'USD' })).toMatchObject({ code: 'insufficient_funds' });
      expect(await charge({ amount: '1', customer_id: 'cust_2' })).toMatchObject({ code: 'no_account' });
      expect(await balance('USD')).toBe(2_000);
    });
  });

  describe('confirmation above the threshold', () => {
    const big = { amount: '150.00', description: 'Dinner' };

    it('asks for confirmation with a token and charges nothing', async () => {
      const outcome = await charge(big);
      expect(outcome).toMatchObject({
        status: 'confirmation_required',
        token: expect.stringMatching(/^vgc1\./),
        expiresAt: '2030-01-01T00:05:00.000Z',
        summary: { customer_id: 'cust_1', amount: '150.00', currency: 'EUR', description: 'Dinner' },
      });
      expect(await balance()).toBe(100_000);
    });

    it('charges with a valid token, exactly once however often the token is replayed', async () => {
      const token = confirmationToken(await charge(big));
      const first = await charge(big, { confirmationToken: token, idempotencyKey: 'call-a' });
      expect(first).toMatchObject({ status: 'ok', result: { amount: '150.00' } });
      const replay = await charge(big, { confirmationToken: token, idempotencyKey: 'call-b' });
      expect(replay).toMatchObject({ status: 'ok', result: { replayed: true, payment_id: paymentId(first) } });
      expect(await balance()).toBe(85_000);
    });

    it('refuses a token for other arguments, a tampered token and an expired token', async () => {
      const token = confirmationToken(await charge(big));
      expect(await charge({ ...big, amount: '160.00' }, { confirmationToken: token })).toMatchObject({
        code: 'confirmation_invalid',
        message: expect.stringContaining('other arguments'),
      });
      const [version, payload, signature] = token.split('.') as [string, string, string];
      const tampered = `${version}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
      expect(await charge(big, { confirmationToken: tampered })).toMatchObject({ code: 'confirmation_invalid' });
      expect(await charge(big, { confirmationToken: token, tenantId: 'ten_b' })).toMatchObject({
        code: 'payments_not_configured',
      });
      now += 300_001;
      expect(await charge(big, { confirmationToken: token })).toMatchObject({
        code: 'confirmation_invalid',
        message: expect.stringContaining('expired'),
      });
      expect(await balance()).toBe(100_000);
    });

    it('does not ask below the threshold', async () => {
      expect(await charge({ amount: '100.00' })).toMatchObject({ status: 'ok' });
    });
  });

  describe('exactly-once charges', () => {
    it('charges once for one idempotency key under 40 concurrent calls over 3 connections, same result for all', async () => {
      const connections = [redis().redis, redis().redis.duplicate(), redis().redis.duplicate()];
      try {
        const outcomes = await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            charge({ amount: '10.00' }, { idempotencyKey: 'the-call' }, connections[i % 3]),
          ),
        );
        expect(new Set(outcomes.map(paymentId)).size).toBe(1);
        expect(
          outcomes.filter((outcome) => outcome.status === 'ok' && !('replayed' in (outcome.result as JsonObject))),
        ).toHaveLength(1);
        expect(await balance()).toBe(99_000);
      } finally {
        connections.slice(1).forEach((connection) => connection.disconnect());
      }
    });

    it('lets the model pass its own idempotency key, and refuses it for another charge', async () => {
      const first = await charge({ amount: '5', idempotency_key: 'order-77' }, { idempotencyKey: 'x' });
      const retry = await charge({ amount: '5', idempotency_key: 'order-77' }, { idempotencyKey: 'y' });
      expect(paymentId(retry)).toBe(paymentId(first));
      expect(await charge({ amount: '6', idempotency_key: 'order-77' }, { idempotencyKey: 'z' })).toMatchObject({
        code: 'idempotency_key_reused',
      });
      expect(await balance()).toBe(99_500);
    });
  });

  describe('refunds and look-ups', () => {
    it('refunds in parts, never more than charged, crediting the balance', async () => {
      const id = paymentId(await charge({ amount: '40.00' }, { idempotencyKey: 'c1' }));
      const refund = (input: JsonObject, key: string) =>
        operations().refund.execute({ payment_id: id, ...input }, toolContext({ idempotencyKey: key }));
      expect(await refund({ amount: '15' }, 'r1')).toMatchObject({ status: 'ok', result: { amount: '15.00' } });
      expect(await refund({ amount: '15' }, 'r1')).toMatchObject({ result: { amount: '15.00', replayed: true } });
      expect(await refund({ amount: '30' }, 'r2')).toMatchObject({
        code: 'refund_exceeds_payment',
        message: 'At most 25.00 EUR of this payment can still be refunded.',
      });
      expect(await refund({}, 'r3')).toMatchObject({ status: 'ok', result: { amount: '25.00' } });
      expect(await refund({ amount: '1' }, 'r4')).toMatchObject({ code: 'already_refunded' });
      expect(await balance()).toBe(100_000);
      const lookup = await operations().lookup.execute({ payment_id: id }, toolContext());
      expect(lookup).toMatchObject({
        status: 'ok',
        result: { status: 'refunded', refunded: '40.00', amount: '40.00' },
      });
    });

    it('refunds exactly once under concurrent refunds with different keys', async () => {
      const id = paymentId(await charge({ amount: '10.00' }, { idempotencyKey: 'c2' }));
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          operations().refund.execute({ payment_id: id, amount: '10.00' }, toolContext({ idempotencyKey: `r${i}` })),
        ),
      );
      expect(outcomes.filter((outcome) => outcome.status === 'ok')).toHaveLength(1);
      expect(await balance()).toBe(100_000);
    });

    it("refuses another tenant's payment and unknown ids", async () => {
      const id = paymentId(await charge({ amount: '1.00' }));
      expect(await operations().refund.execute({ payment_id: id }, toolContext({ tenantId: 'ten_b' }))).toMatchObject({
        code: 'payment_not_found',
      });
      expect(await operations().lookup.execute({ payment_id: 'pay_nope' }, toolContext())).toMatchObject({
        code: 'payment_not_found',
      });
    });
  });
});

function confirmationToken(outcome: ToolOutcome): string {
  if (outcome.status !== 'confirmation_required')
    throw new Error(`expected confirmation_required: ${JSON.stringify(outcome)}`);
  return outcome.token;
}

function paymentId(outcome: ToolOutcome): string {
  if (outcome.status !== 'ok') throw new Error(`not charged: ${JSON.stringify(outcome)}`);
  return (outcome.result as { payment_id: string }).payment_id;
}
