import { Controller, Delete, Param, UseGuards } from '@nestjs/common';
import { RevokeApiKey } from '@voxgate/tenancy';
import { AdminGuard } from '../auth/admin.guard';

/** Ops: revoke a key by id. Effective on the next request on every replica. */
@Controller('admin/keys')
@UseGuards(AdminGuard)
export class KeysController {
  constructor(private readonly revokeApiKey: RevokeApiKey) {}

  @Delete(':keyId')
  async revoke(@Param('keyId') keyId: string) {
    const revoked = await this.revokeApiKey.execute(keyId);
    return { object: 'api_key.deleted' as const, id: revoked.id, deleted: true };
  }
}
