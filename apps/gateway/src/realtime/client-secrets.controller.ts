import { Body, Controller, Delete, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ModelCatalog } from '@voxgate/conversation';
import { Errors, GatewayError } from '@voxgate/openai-wire';
import { applySessionUpdate, defaultSession, randomId } from '@voxgate/realtime';
import { CLIENT_SECRET_MAX_SECONDS, ClientSecretRepository, MintClientSecret, type Principal } from '@voxgate/tenancy';
import type { FastifyReply } from 'fastify';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ZodBody } from '../http/zod-body.pipe';
import { type ClientSecretCreateRequest, ClientSecretCreateRequestSchema } from './client-secret.request';

/** Response header naming the minted secret (`cs_…`), for revoking it; the body stays OpenAI's shape. */
export const CLIENT_SECRET_ID_HEADER = 'x-client-secret-id';

/**
 * `POST /v1/realtime/client_secrets` (OpenAI's shape): a `client` key mints a short-lived secret bound
 * to its tenant, one model and the session settings given, for a browser to open the realtime socket
 * and call chat completions with (ADR 0015). `DELETE /v1/realtime/client_secrets/{id}`: the minting key
 * revokes one of its secrets (a Voxgate extension; ops revoke through the admin API).
 */
@Controller('v1/realtime/client_secrets')
@UseGuards(ApiKeyGuard)
export class ClientSecretsController {
  constructor(
    private readonly mint: MintClientSecret,
    private readonly secrets: ClientSecretRepository,
    private readonly models: ModelCatalog,
  ) {}

  @Post()
  @HttpCode(200)
  async create(
    @Body(new ZodBody(ClientSecretCreateRequestSchema)) request: ClientSecretCreateRequest,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const model = request.session.model;
    this.requireBridgedModel(model);
    const { value, record } = await this.mint.execute(principal, {
      model,
      session: request.session,
      seconds: request.expires_after?.seconds ?? CLIENT_SECRET_MAX_SECONDS,
    });
    void reply.header(CLIENT_SECRET_ID_HEADER, record.id);
    // The effective session a socket opened with this secret starts with (`expires_at` 0: not started).
    const session = applySessionUpdate(defaultSession(randomId('sess'), model, 0), request.session);
    return { value, expires_at: record.expiresAt, session };
  }

  @Delete(':secretId')
  async revoke(@Param('secretId') secretId: string, @CurrentPrincipal() principal: Principal) {
    const revoked = await this.secrets.revoke(principal.tenantId, secretId, principal.keyId);
    if (!revoked) throw Errors.notFound('client_secret', secretId);
    return { object: 'realtime.client_secret.deleted' as const, id: revoked.id, deleted: true };
  }

  /** As the socket's handshake: the model must serve chat completions, which sessions are bridged onto. */
  private requireBridgedModel(model: string): void {
    try {
      this.models.resolve(model, 'chat/completions');
    } catch (error) {
      if (!(error instanceof GatewayError) || error.code !== 'model_not_supported') throw error;
      throw Errors.invalidRequest(
        `The model '${model}' does not serve chat completions, which realtime sessions are bridged onto.`,
        'session.model',
        'model_not_supported',
      );
    }
  }
}
