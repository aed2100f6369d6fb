import { Body, Controller, Get, Param, Put, Query, UseGuards } from '@nestjs/common';
import { Errors } from '@voxgate/openai-wire';
import { TenantRepository } from '@voxgate/tenancy';
import {
  CurrencySchema,
  CustomerIdSchema,
  type ListCustomerPaymentsQuery,
  ListCustomerPaymentsQuerySchema,
  type PaymentPolicyInput,
  PaymentPolicyInputSchema,
  type SetCustomerBalanceInput,
  SetCustomerBalanceInputSchema,
} from '@voxgate/tools';
import { AdminGuard } from '../auth/admin.guard';
import { ZodBody } from '../http/zod-body.pipe';
import { ZodParam } from '../http/zod-param.pipe';
import { tenantMustExist } from './tenant-must-exist';
import { GatewayTools } from './tools-runtime.provider';

/**
 * Ops: the built-in `payment` module's data of a tenant — its policy (currency allow-list, maximum per
 * charge, confirmation threshold), customer balances in the built-in ledger, and the charges and refunds
 * made against it.
 */
@Controller('admin/tenants/:tenantId/payment')
@UseGuards(AdminGuard)
export class PaymentAdminController {
  constructor(
    private readonly tools: GatewayTools,
    private readonly tenants: TenantRepository,
  ) {}

  private get builtins() {
    return this.tools.runtime.builtins;
  }

  /** Replaces the whole policy; a currency left out can no longer be charged. */
  @Put('policy')
  async setPolicy(
    @Param('tenantId') tenantId: string,
    @Body(new ZodBody(PaymentPolicyInputSchema)) input: PaymentPolicyInput,
  ) {
    await tenantMustExist(this.tenants, tenantId);
    return policyView(tenantId, await this.builtins.setPaymentPolicy.execute(tenantId, input));
  }

  /** 404 `payment_policy_not_found` until one is set (the tenant cannot be charged until then). */
  @Get('policy')
  async getPolicy(@Param('tenantId') tenantId: string) {
    await tenantMustExist(this.tenants, tenantId);
    const policy = await this.builtins.getPaymentPolicy.execute(tenantId);
    if (!policy) throw Errors.notFound('payment_policy', tenantId);
    return policyView(tenantId, policy);
  }

  @Put('customers/:customerId/balances/:currency')
  async setBalance(
    @Param('tenantId') tenantId: string,
    @Param('customerId', new ZodParam(CustomerIdSchema, 'customer_id')) customerId: string,
    @Param('currency', new ZodParam(CurrencySchema, 'currency')) currency: string,
    @Body(new ZodBody(SetCustomerBalanceInputSchema)) input: SetCustomerBalanceInput,
  ) {
    await tenantMustExist(this.tenants, tenantId);
    return this.builtins.setCustomerBalance.execute(tenantId, customerId, currency, input);
  }

  @Get('customers/:customerId/balances')
  async getBalances(@Param('tenantId') tenantId: string, @Param('customerId') customerId: string) {
    await tenantMustExist(this.tenants, tenantId);
    return this.builtins.getCustomerBalances.execute(tenantId, customerId);
  }

  /** The customer's charges, newest first (`limit`, default 100), each with its refunds. */
  @Get('customers/:customerId/payments')
  async listPayments(
    @Param('tenantId') tenantId: string,
    @Param('customerId') customerId: string,
    @Query(new ZodBody(ListCustomerPaymentsQuerySchema)) query: ListCustomerPaymentsQuery,
  ) {
    await tenantMustExist(this.tenants, tenantId);
    const data = await this.builtins.listCustomerPayments.execute(tenantId, customerId, query);
    return { object: 'list' as const, data };
  }

  @Get('payments/:paymentId')
  async getPayment(@Param('tenantId') tenantId: string, @Param('paymentId') paymentId: string) {
    await tenantMustExist(this.tenants, tenantId);
    return this.builtins.getPayment.execute(tenantId, paymentId);
  }
}

function policyView(tenantId: string, policy: PaymentPolicyInput) {
  return { object: 'payment_policy' as const, tenant_id: tenantId, ...policy };
}
