import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { Errors } from '@voxgate/openai-wire';
import { TenantRepository } from '@voxgate/tenancy';
import { type UploadSearchDocumentsInput, UploadSearchDocumentsInputSchema } from '@voxgate/tools';
import { ZodBody } from '../http/zod-body.pipe';
import { AdminGuard } from '../auth/admin.guard';
import { GatewayTools } from './tools-runtime.provider';

/**
 * Ops: the tool registry and per-tenant enablement. Bodies are validated by the tool library (JSON Schema
 * of parameters, SSRF rules for HTTP/MCP URLs, a reachable MCP server); secret header values are never
 * returned.
 */
@Controller('admin')
@UseGuards(AdminGuard)
export class ToolsAdminController {
  constructor(
    private readonly tools: GatewayTools,
    private readonly tenants: TenantRepository,
  ) {}

  @Post('tools')
  @HttpCode(201)
  register(@Body() body: unknown) {
    return this.tools.runtime.tools.register.execute(body);
  }

  @Get('tools')
  async list() {
    return { object: 'list' as const, data: await this.tools.runtime.tools.list.execute() };
  }

  @Get('tools/:name')
  get(@Param('name') name: string) {
    return this.tools.runtime.tools.get.execute(name);
  }

  @Put('tools/:name')
  update(@Param('name') name: string, @Body() body: unknown) {
    return this.tools.runtime.tools.update.execute(name, body);
  }

  @Delete('tools/:name')
  remove(@Param('name') name: string) {
    return this.tools.runtime.tools.remove.execute(name);
  }

  @Get('tenants/:tenantId/tools')
  async listForTenant(@Param('tenantId') tenantId: string) {
    await this.tenantMustExist(tenantId);
    return { object: 'list' as const, data: await this.tools.runtime.tools.listForTenant.execute(tenantId) };
  }

  @Put('tenants/:tenantId/tools/:name')
  async enable(@Param('tenantId') tenantId: string, @Param('name') name: string) {
    await this.tenantMustExist(tenantId);
    return { object: 'list' as const, data: await this.tools.runtime.tools.enableForTenant.execute(tenantId, name) };
  }

  @Delete('tenants/:tenantId/tools/:name')
  async disable(@Param('tenantId') tenantId: string, @Param('name') name: string) {
    await this.tenantMustExist(tenantId);
    return { object: 'list' as const, data: await this.tools.runtime.tools.disableForTenant.execute(tenantId, name) };
  }

  /** Built-in `search`: documents the tenant's search tool ranks. */
  @Post('tenants/:tenantId/search/documents')
  async uploadDocuments(
    @Param('tenantId') tenantId: string,
    @Body(new ZodBody(UploadSearchDocumentsInputSchema)) input: UploadSearchDocumentsInput,
  ) {
    await this.tenantMustExist(tenantId);
    return this.tools.runtime.builtins.uploadSearchDocuments.execute(tenantId, input);
  }

  private async tenantMustExist(tenantId: string): Promise<void> {
    if (!(await this.tenants.exists(tenantId))) throw Errors.notFound('tenant', tenantId);
  }
}
