import type { TenantRepository } from '../repositories/tenant.repository';
import type { TenancyEnvironment, Tenant } from '../tenancy.types';
import type { CreateTenantInput } from './admin-inputs';

export class CreateTenant {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly environment: TenancyEnvironment,
  ) {}

  async execute(input: CreateTenantInput): Promise<Tenant> {
    const tenant: Tenant = {
      id: this.environment.newId('ten'),
      name: input.name,
      createdAt: Math.floor(this.environment.now().getTime() / 1000),
      corsOrigins: [],
    };
    await this.tenants.create(tenant);
    return tenant;
  }
}
