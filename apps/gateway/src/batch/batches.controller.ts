import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { CancelBatch, CreateBatch, ListBatches, RetrieveBatch } from '@voxgate/batch';
import {
  type CreateBatchRequest,
  CreateBatchRequestSchema,
  ListBatchesQuerySchema,
  parseInbound,
} from '@voxgate/openai-wire';
import type { Principal } from '@voxgate/tenancy';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ZodBody } from '../http/zod-body.pipe';

/** `/v1/batches`: create, read, list and cancel a tenant's batches. */
@Controller('v1/batches')
@UseGuards(ApiKeyGuard)
export class BatchesController {
  constructor(
    private readonly createBatch: CreateBatch,
    private readonly listBatches: ListBatches,
    private readonly retrieveBatch: RetrieveBatch,
    private readonly cancelBatch: CancelBatch,
  ) {}

  @Post()
  @HttpCode(200)
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodBody(CreateBatchRequestSchema)) request: CreateBatchRequest,
  ) {
    return this.createBatch.execute(principal, request);
  }

  @Get()
  async list(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    return this.listBatches.execute(principal.tenantId, parseInbound(ListBatchesQuerySchema, query));
  }

  @Get(':batchId')
  async retrieve(@CurrentPrincipal() principal: Principal, @Param('batchId') batchId: string) {
    return this.retrieveBatch.execute(principal.tenantId, batchId);
  }

  @Post(':batchId/cancel')
  @HttpCode(200)
  async cancel(@CurrentPrincipal() principal: Principal, @Param('batchId') batchId: string) {
    return this.cancelBatch.execute(principal.tenantId, batchId);
  }
}
