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

/**
 * A browser origin as browsers send it in `Origin`: `http(s)://host[:port]`, lower-case, no path, no
 * trailing slash (`new URL(value).origin === value`), at most 253 characters.
 */
export const CorsOriginSchema = z
  .string()
  .max(253)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
    } catch {
      return false;
    }
  }, 'must be an origin as browsers send it: scheme://host[:port], lower-case, no path or trailing slash');

/** Body of `PATCH /admin/tenants/{id}`: replaces the listed settings. */
export const UpdateTenantInputSchema = z.strictObject({
  cors_origins: z.array(CorsOriginSchema).max(100),
});
export type UpdateTenantInput = z.infer<typeof UpdateTenantInputSchema>;
