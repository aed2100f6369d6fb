import { SNAPSHOT } from './support/relay-config';
import { registerTool, sentRequests, toolMessages, toolRunsOf, useToolsEnv } from './support/tools-env';

const chargeOf = (customer: string) => ({
  customer_id: customer,
  amount: '150.00',
  currency: 'EUR',
  description: 'Dinner for six',
});

/**
 * The payment confirmation flow over stateless HTTP, end to end through the official SDK: a charge above
 * the tenant's threshold waits for the client app; the app confirms by resending with the token; one
 * confirmation pays once; a forged token pays nothing. Money is checked in Redis through the admin API.
 */
describe('server tools: payment confirmation flow', () => {
  const env = useToolsEnv();

  beforeAll(async () => {
    const { gateway, tenantId } = env();
    await registerTool(gateway, tenantId, {
      name: 'charge',
      implementation: { type: 'builtin', module: 'payment', operation: 'charge' },
    });
    const policy = await gateway.admin('PUT', `/admin/tenants/${tenantId}/payment/policy`, {
      currencies: { EUR: { max_amount: '500.00', confirmation_above: '100.00' } },
    });
    expect(policy.status).toBe(200);
  });

  /** Each test charges its own customer, who starts with 1000 EUR. */
  let customers = 0;
  let customer = '';
  let CHARGE = chargeOf('');
  beforeEach(async () => {
    const { gateway, tenantId } = env();
    customer = `cust_${++customers}`;
    CHARGE = chargeOf(customer);
    const opened = await gateway.admin('PUT', `/admin/tenants/${tenantId}/payment/customers/${customer}/balances/EUR`, {
      amount: '1000.00',
    });
    expect(opened.status).toBe(200);
  });

  const balance = async () => {
    const { gateway, tenantId } = env();
    const read = await gateway.admin('GET', `/admin/tenants/${tenantId}/payment/customers/${customer}/balances`);
    return (read.body as { balances: Record<string, string> }).balances.EUR;
  };
  const payments = async () => {
    const { gateway, tenantId } = env();
    const read = await gateway.admin('GET', `/admin/tenants/${tenantId}/payment/customers/${customer}/payments`);
    return (read.body as { data: { id: string; amount: string }[] }).data;
  };

  /** One user turn where the scripted model calls `charge` with `args`, then says `reply`. */
  const turn = (headers: Record<string, string>, args: Record<string, unknown> = CHARGE, reply = 'Done.') => {
    const { client, upstream } = env();
    upstream.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'charge', arguments: args, id: 'call_charge' }] },
      { kind: 'completion', message: { content: reply } },
    );
    return client.chat.completions
      .create({ model: SNAPSHOT, messages: [{ role: 'user', content: 'Charge dinner to my account.' }] }, { headers })
      .withResponse();
  };
  /** The tool message the model got back in the last turn. */
  const fedBack = () => {
    const [, second] = sentRequests(env().upstream).slice(-2);
    const [message] = toolMessages(second);
    expect(message?.tool_call_id).toBe('call_charge');
    return message?.content as Record<string, unknown>;
  };

  it('holds the charge for confirmation, charges once confirmed, and a replay of the confirmed request pays nothing more', async () => {
    // 1. Above the threshold: the app gets a token, the model a message without it, nothing is charged.
    const held = await turn({}, CHARGE, 'Please confirm the charge in the app.');
    const token = held.response.headers.get('x-voxgate-confirmation-required');
    expect(token).toMatch(/^vgc1\.[\w-]+\.[\w-]+$/);
    const [run] = toolRunsOf(held.data);
    expect(run).toMatchObject({
      name: 'charge',
      status: 'confirmation_required',
      replayed: false,
      confirmation: { token, summary: { customer_id: customer, amount: '150.00', currency: 'EUR' } },
    });
    expect(Date.parse(run!.confirmation!.expires_at)).toBeGreaterThan(Date.now());
    expect(JSON.parse(held.response.headers.get('x-voxgate-tool-runs') ?? '[]')).toEqual([
      { name: 'charge', status: 'confirmation_required', replayed: false },
    ]);
    const asked = fedBack();
    expect(asked).toMatchObject({ status: 'confirmation_required', summary: { amount: '150.00' } });
    expect(JSON.stringify(asked)).not.toContain(token!);
    expect(held.data.choices[0]?.message.content).toBe('Please confirm the charge in the app.');
    expect(await balance()).toBe('1000.00');
    expect(await payments()).toEqual([]);

    // 2. The user confirmed: the app resends with the token; the model repeats the call; it is charged.
    const confirmed = { 'X-Voxgate-Confirmation': token!, 'Idempotency-Key': 'dinner-confirmed-1' };
    const paid = await turn(confirmed, CHARGE, 'Charged 150 EUR.');
    expect(toolRunsOf(paid.data)).toEqual([{ name: 'charge', status: 'ok', replayed: false }]);
    expect(paid.response.headers.get('x-voxgate-confirmation-required')).toBeNull();
    const receipt = fedBack();
    expect(receipt).toMatchObject({ amount: '150.00', currency: 'EUR', status: 'succeeded' });
    expect(await balance()).toBe('850.00');
    const [payment] = await payments();
    expect(payment).toMatchObject({ id: receipt.payment_id, amount: '150.00' });

    // 3. The same confirmed request again (a client retry): replayed from the ledger, still one charge.
    const retried = await turn(confirmed, CHARGE, 'Charged 150 EUR.');
    expect(toolRunsOf(retried.data)).toEqual([{ name: 'charge', status: 'ok', replayed: true }]);
    expect(fedBack()).toMatchObject({ payment_id: receipt.payment_id });

    // 4. The token again without the Idempotency-Key: the tool runs, but one confirmation pays once.
    const again = await turn({ 'X-Voxgate-Confirmation': token! });
    expect(toolRunsOf(again.data)).toEqual([{ name: 'charge', status: 'ok', replayed: false }]);
    expect(fedBack()).toMatchObject({ payment_id: receipt.payment_id, replayed: true });

    expect(await balance()).toBe('850.00');
    expect(await payments()).toHaveLength(1);
  });

  it('refuses a tampered token and a token for other arguments: confirmation_invalid is fed back, nothing charged', async () => {
    const held = await turn({});
    const token = held.response.headers.get('x-voxgate-confirmation-required')!;
    const [version, payload, signature] = token.split('.') as [string, string, string];
    const tampered = `${version}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;

    const forged = await turn({ 'X-Voxgate-Confirmation': tampered }, CHARGE, 'That did not work.');
    expect(toolRunsOf(forged.data)).toEqual([{ name: 'charge', status: 'error', replayed: false }]);
    expect(fedBack()).toEqual({
      status: 'error',
      error: { code: 'confirmation_invalid', message: expect.stringContaining('Nothing was charged') },
    });

    const other = await turn({ 'X-Voxgate-Confirmation': token }, { ...CHARGE, amount: '400.00' });
    expect(fedBack()).toMatchObject({ error: { code: 'confirmation_invalid' } });
    expect(toolRunsOf(other.data)[0]?.status).toBe('error');

    expect(await balance()).toBe('1000.00');
    expect(await payments()).toEqual([]);
  });

  it('charges below the threshold at once, without asking', async () => {
    const small = await turn({}, { ...CHARGE, amount: '20.00' });
    expect(small.response.headers.get('x-voxgate-confirmation-required')).toBeNull();
    expect(toolRunsOf(small.data)).toEqual([{ name: 'charge', status: 'ok', replayed: false }]);
    expect(await balance()).toBe('980.00');
  });
});
