import { z } from 'zod';

/** Body of `POST /admin/tenants`. */
export const CreateTenantInputSchema = z.strictObject({ name: z.string().trim().min(1).max(200) });
export type CreateTenantInput = z.infer<typeof CreateTenantInputSchema>;

/** Body of `POST /admin/tenants/{id}/keys`. */
export const CreateApiKeyInputSchema = z.strictObject({ name: z.string().trim().min(1).max(200) });
export type CreateApiKeyInput = z.infer<typeof CreateApiKeyInputSchema>;
