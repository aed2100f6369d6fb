import { useTestRedis } from '@voxgate/testing';
import { toolContext } from '../../__fixtures__/tool-fixtures';
import type { JsonObject, ToolOutcome } from '../../tool-module';
import { ConfirmationTokens } from './confirmation-token';
import {
  GetCustomerBalances,
  GetPayment,
  ListCustomerPayments,
  ListCustomerPaymentsQuerySchema,
  SetCustomerBalance,
  SetPaymentPolicy,
} from './payment-admin.usecase';
import { PaymentLedgerRepository } from './payment-ledger.repository';
import { createPaymentOperations } from './payment.tool';

describe('payment admin reads (real Redis)', () => {
  const redis = useTestRedis();
  let now = Date.parse('2030-01-01T00:00:00Z');
  const ledger = () => new PaymentLedgerRepository(redis().redis, () => now);
  const operations = () => createPaymentOperations(ledger(), ledger(), new ConfirmationTokens('s', 60_000, () => now));
  const run = async (promise: Promise<ToolOutcome>): Promise<JsonObject> => {
    const outcome = await promise;
    if (outcome.status !== 'ok') throw new Error(JSON.stringify(outcome));
    return outcome.result as JsonObject;
  };
  const charge = (amount: string, key: string) =>
    run(
      operations().charge.execute(
        { customer_id: 'cust_1', amount, currency: 'EUR', description: `charge ${key}` },
        toolContext({ idempotencyKey: key }),
      ),
    );
  const refund = (paymentId: string, amount: string, key: string) =>
    run(operations().refund.execute({ payment_id: paymentId, amount }, toolContext({ idempotencyKey: key })));
  const list = (customer = 'cust_1', limit?: string) =>
    new ListCustomerPayments(ledger()).execute(
      'ten_a',
      customer,
      ListCustomerPaymentsQuerySchema.parse(limit ? { limit } : {}),
    );

  beforeEach(async () => {
    await new SetPaymentPolicy(ledger()).execute('ten_a', {
      currencies: { EUR: { max_amount: '500', confirmation_above: null } },
    });
    await new SetCustomerBalance(ledger()).execute('ten_a', 'cust_1', 'EUR', { amount: '100' });
  });

  it('reads balances back in major units; 404 for a customer without account', async () => {
    expect(await new SetCustomerBalance(ledger()).execute('ten_a', 'cust_1', 'JPY', { amount: 5000 })).toEqual({
      object: 'customer_balances',
      customer_id: 'cust_1',
      balances: { EUR: '100.00', JPY: '5000' },
    });
    await charge('12.50', 'c1');
    expect(await new GetCustomerBalances(ledger()).execute('ten_a', 'cust_1')).toEqual({
      object: 'customer_balances',
      customer_id: 'cust_1',
      balances: { EUR: '87.50', JPY: '5000' },
    });
    await expect(new GetCustomerBalances(ledger()).execute('ten_a', 'cust_2')).rejects.toMatchObject({
      status: 404,
      code: 'customer_not_found',
    });
    await expect(new GetCustomerBalances(ledger()).execute('ten_b', 'cust_1')).rejects.toMatchObject({ status: 404 });
  });

  it("lists a customer's charges newest first, each with its refunds", async () => {
    const first = await charge('10.00', 'c1');
    now += 1_000;
    const second = await charge('20.00', 'c2');
    await charge('20.00', 'c2'); // replayed by its key: still one charge
    now += 1_000;
    await refund(second.payment_id as string, '5', 'r1');
    now += 1_000;
    await refund(second.payment_id as string, '5', 'r2');
    await refund(second.payment_id as string, '5', 'r2'); // replayed: one refund

    const payments = await list();
    expect(payments.map((payment) => payment.id)).toEqual([second.payment_id, first.payment_id]);
    expect(payments[0]).toEqual({
      object: 'payment',
      id: second.payment_id,
      customer_id: 'cust_1',
      amount: '20.00',
      currency: 'EUR',
      refunded: '10.00',
      status: 'partially_refunded',
      description: 'charge c2',
      created_at: '2030-01-01T00:00:01.000Z',
      refunds: [
        {
          object: 'refund',
          id: expect.stringMatching(/^rfd_/),
          amount: '5.00',
          currency: 'EUR',
          created_at: '2030-01-01T00:00:02.000Z',
        },
        {
          object: 'refund',
          id: expect.stringMatching(/^rfd_/),
          amount: '5.00',
          currency: 'EUR',
          created_at: '2030-01-01T00:00:03.000Z',
        },
      ],
    });
    expect(payments[1]).toMatchObject({ amount: '10.00', refunded: '0.00', status: 'succeeded', refunds: [] });
    expect((await list('cust_1', '1')).map((payment) => payment.id)).toEqual([second.payment_id]);
    expect(await list('cust_2')).toEqual([]);
  });

  it('gets one payment, 404 for unknown ids and for another tenant', async () => {
    const paid = await charge('10.00', 'c1');
    expect(await new GetPayment(ledger()).execute('ten_a', paid.payment_id as string)).toMatchObject({
      id: paid.payment_id,
      amount: '10.00',
      refunds: [],
    });
    await expect(new GetPayment(ledger()).execute('ten_b', paid.payment_id as string)).rejects.toMatchObject({
      status: 404,
      code: 'payment_not_found',
    });
    await expect(new GetPayment(ledger()).execute('ten_a', 'pay_nope')).rejects.toMatchObject({ status: 404 });
  });
});
