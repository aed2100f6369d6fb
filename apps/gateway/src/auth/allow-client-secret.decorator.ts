import { SetMetadata } from '@nestjs/common';

export const ALLOWS_CLIENT_SECRET = 'voxgate:allows-client-secret';

/**
 * The route accepts a client secret (`ek_…`) in place of a key, for the secret's model only (the body's
 * `model`). Every route without it refuses client secrets with 403 (`ApiKeyGuard`).
 */
export const AllowClientSecret = () => SetMetadata(ALLOWS_CLIENT_SECRET, true);
