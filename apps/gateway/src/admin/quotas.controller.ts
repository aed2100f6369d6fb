import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import { type QuotaLimits, QuotaLimitsSchema, SetQuotas } from '@voxgate/tenancy';
import { AdminGuard } from '../auth/admin.guard';
import { ZodBody } from '../http/zod-body.pipe';

const view = (scope: { tenant_id?: string; key_id?: string }, limits: QuotaLimits) => ({
  object: 'quota',
  ...scope,
  ...limits,
});

/**
 * Ops: per-tenant and per-key limits. `PUT` replaces the whole set (an omitted or null limit is
 * unlimited) and applies to the next request on every replica.
 */
@Controller('admin')
@UseGuards(AdminGuard)
export class QuotasController {
  constructor(private readonly setQuotas: SetQuotas) {}

  @Put('tenants/:tenantId/quotas')
  async putTenant(@Param('tenantId') tenantId: string, @Body(new ZodBody(QuotaLimitsSchema)) limits: QuotaLimits) {
    return view({ tenant_id: tenantId }, await this.setQuotas.forTenant(tenantId, limits));
  }

  @Get('tenants/:tenantId/quotas')
  async getTenant(@Param('tenantId') tenantId: string) {
    return view({ tenant_id: tenantId }, await this.setQuotas.readTenant(tenantId));
  }

  @Put('keys/:keyId/quotas')
  async putKey(@Param('keyId') keyId: string, @Body(new ZodBody(QuotaLimitsSchema)) limits: QuotaLimits) {
    return view({ key_id: keyId }, await this.setQuotas.forKey(keyId, limits));
  }

  @Get('keys/:keyId/quotas')
  async getKey(@Param('keyId') keyId: string) {
    return view({ key_id: keyId }, await this.setQuotas.readKey(keyId));
  }
}
