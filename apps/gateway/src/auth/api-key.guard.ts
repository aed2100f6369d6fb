import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { AuthenticateApiKey } from '@voxgate/tenancy';
import type { FastifyRequest } from 'fastify';

/** Client routes (`/v1/*`): a tenant key in `Authorization: Bearer`, or OpenAI's 401 `invalid_api_key`. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly authenticate: AuthenticateApiKey) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    request.principal = await this.authenticate.execute(request.headers.authorization);
    return true;
  }
}
