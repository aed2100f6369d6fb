import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { Errors } from '@voxgate/openai-wire';
import {
  CreateApiKey,
  type CreateApiKeyInput,
  CreateApiKeyInputSchema,
  CreateTenant,
  type CreateTenantInput,
  CreateTenantInputSchema,
  ClientSecretRepository,
  ListApiKeys,
  TenantRepository,
  type UpdateTenantInput,
  UpdateTenantInputSchema,
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
    private readonly clientSecrets: ClientSecretRepository,
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

  /** Replaces the tenant's settings given: `cors_origins`, the browser origins its keys may be used from. */
  @Patch(':tenantId')
  async update(
    @Param('tenantId') tenantId: string,
    @Body(new ZodBody(UpdateTenantInputSchema)) input: UpdateTenantInput,
  ) {
    if (!(await this.tenants.setCorsOrigins(tenantId, [...new Set(input.cors_origins)]))) {
      throw Errors.notFound('tenant', tenantId);
    }
    return this.get(tenantId);
  }

  /** Revokes a client secret (`cs_…`, from the mint's `x-client-secret-id` header or the logs) at once. */
  @Delete(':tenantId/client-secrets/:secretId')
  async revokeClientSecret(@Param('tenantId') tenantId: string, @Param('secretId') secretId: string) {
    const revoked = await this.clientSecrets.revoke(tenantId, secretId);
    if (!revoked) throw Errors.notFound('client_secret', secretId);
    return { object: 'realtime.client_secret.deleted' as const, id: revoked.id, deleted: true };
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
