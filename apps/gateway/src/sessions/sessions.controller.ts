import { Controller, Delete, Get, Param, Query, UseGuards } from '@nestjs/common';
import { DeleteSession, GetSession, SESSION_ID } from '@voxgate/sessions';
import { Errors } from '@voxgate/openai-wire';
import type { Principal } from '@voxgate/tenancy';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';

/** A tenant's sessions: read (audio as references unless `include_audio=true`) and erase. */
@Controller('v1/sessions')
@UseGuards(ApiKeyGuard)
export class SessionsController {
  constructor(
    private readonly getSession: GetSession,
    private readonly deleteSession: DeleteSession,
  ) {}

  @Get(':sessionId')
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('sessionId') sessionId: string,
    @Query('include_audio') includeAudio?: string,
  ) {
    return this.getSession.execute(principal.tenantId, checked(sessionId), includeAudio === 'true');
  }

  @Delete(':sessionId')
  async remove(@CurrentPrincipal() principal: Principal, @Param('sessionId') sessionId: string) {
    return this.deleteSession.execute(principal.tenantId, checked(sessionId));
  }
}

function checked(sessionId: string): string {
  if (!SESSION_ID.test(sessionId)) throw Errors.notFound('session', sessionId.slice(0, 128));
  return sessionId;
}
