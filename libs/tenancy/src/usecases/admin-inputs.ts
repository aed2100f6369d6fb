import { z } from 'zod';
import { KEY_SCOPES } from '../tenancy.types';

/** Body of `POST /admin/tenants`. */
export const CreateTenantInputSchema = z.strictObject({ name: z.string().trim().min(1).max(200) });
export type CreateTenantInput = z.infer<typeof CreateTenantInputSchema>;

/** Body of `POST /admin/tenants/{id}/keys`. */
export const CreateApiKeyInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  scope: z.enum(KEY_SCOPES).default('client'),
});
export type CreateApiKeyInput = z.infer<typeof CreateApiKeyInputSchema>;
