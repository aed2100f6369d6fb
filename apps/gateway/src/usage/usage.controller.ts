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
import type { Principal } from '@voxgate/tenancy';
import type { FastifyReply } from 'fastify';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import { ZodBody } from '../http/zod-body.pipe';
import { writeExport } from './usage-export';

/**
 * Billing, tenant side: a key with the `billing` scope reads its own tenant's usage, nothing else.
 * Filters on other tenants are ignored by construction: the tenant comes from the key.
 */
@Controller('v1/usage')
@UseGuards(ApiKeyGuard)
@RequireScope('billing')
export class UsageController {
  constructor(
    private readonly query: QueryUsage,
    private readonly exporter: ExportUsage,
  ) {}

  @Get()
  async usage(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodBody(UsageQueryInputSchema)) input: UsageQueryInput,
  ): Promise<UsagePage> {
    return this.query.execute(
      [principal.tenantId],
      { ...input, group_by: input.group_by.filter((g) => g !== 'tenant_id') },
      nowSeconds(),
    );
  }

  @Get('events')
  async events(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodBody(UsageExportInputSchema)) input: UsageExportInput,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await writeExport(reply, this.exporter.execute([principal.tenantId], input, nowSeconds()), input.format);
  }
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
