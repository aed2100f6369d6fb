import { Controller, Get, Query, Res, UseGuards } from '@nestjs/common';
import {
  ExportUsage,
  type UsageExportInput,
  UsageExportInputSchema,
  type UsagePage,
  QueryUsage,
  type UsageQueryInput,
  UsageQueryInputSchema,
  UsageMetrics,
} from '@voxgate/metering';
import { ProviderRouter } from '@voxgate/providers';
import { ToolMetrics } from '@voxgate/telemetry';
import { TenantRepository } from '@voxgate/tenancy';
import type { FastifyReply } from 'fastify';
import { AdminGuard } from '../auth/admin.guard';
import { ZodBody } from '../http/zod-body.pipe';
import { PendingWrites } from '../infra/pending-writes';
import { writeExport } from './usage-export';
import { nowSeconds } from './usage.controller';

/** Billing, operator side: usage of every tenant (or those in `tenant_ids`), and the Prometheus counters. */
@Controller()
@UseGuards(AdminGuard)
export class AdminUsageController {
  constructor(
    private readonly query: QueryUsage,
    private readonly exporter: ExportUsage,
    private readonly tenants: TenantRepository,
    private readonly metrics: UsageMetrics,
    private readonly toolMetrics: ToolMetrics,
    private readonly router: ProviderRouter,
    private readonly pendingWrites: PendingWrites,
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

  /** Prometheus scrape endpoint (bearer: the admin key): usage counters, tool-call and provider metrics, the outbox. */
  @Get('metrics')
  metricsText(@Res() reply: FastifyReply): void {
    const text =
      this.metrics.render() + this.toolMetrics.render() + this.router.metrics.render() + this.pendingWrites.render();
    void reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8').send(text);
  }

  private async tenantIds(filter: string[] | undefined): Promise<string[]> {
    if (filter?.length) return filter;
    return (await this.tenants.list()).map((tenant) => tenant.id);
  }
}
