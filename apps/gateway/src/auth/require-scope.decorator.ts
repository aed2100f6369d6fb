import { SetMetadata } from '@nestjs/common';
import type { KeyScope } from '@voxgate/tenancy';

export const REQUIRED_SCOPE = 'voxgate:required-scope';

/** The key scope a route needs (default `client`); checked by `ApiKeyGuard`. */
export const RequireScope = (scope: KeyScope) => SetMetadata(REQUIRED_SCOPE, scope);
