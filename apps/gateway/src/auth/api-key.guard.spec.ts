import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { ModelCatalog } from '@voxgate/conversation';
import { GatewayError } from '@voxgate/openai-wire';
import type { AuthenticateApiKey, Principal } from '@voxgate/tenancy';
import { AllowClientSecret } from './allow-client-secret.decorator';
import { ApiKeyGuard } from './api-key.guard';
import type { OriginPolicy } from './origin-policy';
import { RequireScope } from './require-scope.decorator';

class BaseController {
  handle(): void {}
}
@RequireScope('billing')
class BillingController extends BaseController {}
class ClientController extends BaseController {}
@AllowClientSecret()
class SecretController extends BaseController {}

function guardFor(principal: Principal) {
  const origins = { check: jest.fn(() => Promise.resolve()) };
  const guard = new ApiKeyGuard(
    { execute: () => Promise.resolve(principal) } as unknown as AuthenticateApiKey,
    new Reflector(),
    origins as unknown as OriginPolicy,
    { resolve: (model: string) => ({ snapshot: model }) } as unknown as ModelCatalog,
  );
  return { guard, origins };
}

/** The context of a request to `controller`'s inherited `handle`. */
function context(controller: new () => BaseController, headers: Record<string, string> = {}, body: unknown = {}) {
  const host = new ExecutionContextHost([{ headers, body }, {}], controller, BaseController.prototype.handle);
  return host;
}

const status = (run: Promise<unknown>) =>
  run.then(
    () => 200,
    (error: unknown) => (error instanceof GatewayError ? error.status : -1),
  );

describe('ApiKeyGuard', () => {
  const billing: Principal = { tenantId: 'ten_1', keyId: 'key_1', scope: 'billing' };
  const secret: Principal = {
    tenantId: 'ten_1',
    keyId: 'key_1',
    scope: 'client',
    clientSecret: { id: 'cs_1', model: 'm', session: {} } as unknown as NonNullable<Principal['clientSecret']>,
  };

  it("applies each controller's own rules to a handler they inherit, on every request", async () => {
    const { guard } = guardFor(billing);
    for (let round = 0; round < 2; round++) {
      expect(await status(guard.canActivate(context(BillingController)))).toBe(200);
      expect(await status(guard.canActivate(context(ClientController)))).toBe(403);
    }
    const secretGuard = guardFor(secret).guard;
    for (let round = 0; round < 2; round++) {
      expect(await status(secretGuard.canActivate(context(SecretController, {}, { model: 'm' })))).toBe(200);
      expect(await status(secretGuard.canActivate(context(ClientController, {}, { model: 'm' })))).toBe(403);
    }
  });

  it('asks the origin policy only when the request carries an Origin', async () => {
    const { guard, origins } = guardFor(billing);
    await guard.canActivate(context(BillingController));
    expect(origins.check).not.toHaveBeenCalled();
    await guard.canActivate(context(BillingController, { origin: 'https://app.example' }));
    expect(origins.check).toHaveBeenCalledWith({ origin: 'https://app.example' }, 'ten_1');
  });
});
