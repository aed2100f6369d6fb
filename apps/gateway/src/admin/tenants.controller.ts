import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { Errors } from '@voxgate/openai-wire';
import {
  CreateApiKey,
  type CreateApiKeyInput,
  CreateApiKeyInputSchema,
  CreateTenant,
  type CreateTenantInput,
  CreateTenantInputSchema,
  ListApiKeys,
  TenantRepository,
} from '@voxgate/tenancy';
import { AdminGuard } from '../auth/admin.guard';
import { ZodBody } from '../http/zod-body.pipe';
import { apiKeyView, tenantView } from './admin.views';

/** Ops: tenants and their keys. */
@Controller('admin/tenants')
@UseGuards(AdminGuard)
export class TenantsController {
  constructor(
    private readonly createTenant: CreateTenant,
    private readonly createApiKey: CreateApiKey,
    private readonly listApiKeys: ListApiKeys,
    private readonly tenants: TenantRepository,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Body(new ZodBody(CreateTenantInputSchema)) input: CreateTenantInput) {
    return tenantView(await this.createTenant.execute(input));
  }

  @Get()
  async list() {
    return { object: 'list' as const, data: (await this.tenants.list()).map(tenantView) };
  }

  @Get(':tenantId')
  async get(@Param('tenantId') tenantId: string) {
    const tenant = await this.tenants.get(tenantId);
    if (!tenant) throw Errors.notFound('tenant', tenantId);
    return tenantView(tenant);
  }

  /** The response is the only time the secret `key` is ever shown. */
  @Post(':tenantId/keys')
  @HttpCode(201)
  async createKey(
    @Param('tenantId') tenantId: string,
    @Body(new ZodBody(CreateApiKeyInputSchema)) input: CreateApiKeyInput,
  ) {
    const { record, secret } = await this.createApiKey.execute(tenantId, input);
    return { ...apiKeyView(record), key: secret };
  }

  @Get(':tenantId/keys')
  async listKeys(@Param('tenantId') tenantId: string) {
    return { object: 'list' as const, data: (await this.listApiKeys.execute(tenantId)).map(apiKeyView) };
  }
}
