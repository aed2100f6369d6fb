import { Controller, Get, Query, Res, UseGuards } from '@nestjs/common';
import {
  ExportUsage,
  type UsageExportInput,
  UsageExportInputSchema,
  type UsagePage,
  QueryUsage,
  type UsageQueryInput,
  UsageQueryInputSchema,
} from '@voxgate/metering';
import { TenantRepository } from '@voxgate/tenancy';
import type { FastifyReply } from 'fastify';
import { AdminGuard } from '../auth/admin.guard';
import { ZodBody } from '../http/zod-body.pipe';
import { writeExport } from './usage-export';
import { nowSeconds } from './usage.controller';

/** Billing, operator side: usage of every tenant (or those in `tenant_ids`). `/metrics` is `MetricsController`'s. */
@Controller()
@UseGuards(AdminGuard)
export class AdminUsageController {
  constructor(
    private readonly query: QueryUsage,
    private readonly exporter: ExportUsage,
    private readonly tenants: TenantRepository,
  ) {}

  @Get('admin/usage')
  async usage(@Query(new ZodBody(UsageQueryInputSchema)) input: UsageQueryInput): Promise<UsagePage> {
    return this.query.execute(await this.tenantIds(input.tenant_ids), input, nowSeconds());
  }

  @Get('admin/usage/events')
  async events(
    @Query(new ZodBody(UsageExportInputSchema)) input: UsageExportInput,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await writeExport(
      reply,
      this.exporter.execute(await this.tenantIds(input.tenant_ids), input, nowSeconds()),
      input.format,
    );
  }

  private async tenantIds(filter: string[] | undefined): Promise<string[]> {
    if (filter?.length) return filter;
    return (await this.tenants.list()).map((tenant) => tenant.id);
  }
}
