import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type GatewayConfig, loadConfig } from '@voxgate/config';
import { createGatewayApp } from '../../gateway-app';
import { JsonLogger } from '../../infra/json-logger';

/** A route as Fastify registered it: `GET /v1/files/:fileId`. */
export interface ServedRoute {
  readonly method: string;
  readonly url: string;
}

export interface GatewayUnderTest {
  readonly app: NestFastifyApplication;
  /** Every route registered on the app's Fastify instance, from its creation on (Fastify's `onRoute`). */
  readonly routes: readonly ServedRoute[];
  close(): Promise<void>;
}

/**
 * The real gateway app (`createGatewayApp`, as `main.ts` builds it, default config plus `overrides`),
 * initialised but not listening: requests go through `app.inject`. Redis is the local one under a random
 * key prefix. The route recorder is installed when Nest creates the Fastify instance, before any route
 * exists, so routes added by Nest, by plugins or directly on the instance are all seen.
 */
export async function startGatewayUnderTest(
  overrides: Partial<GatewayConfig['server']> = {},
): Promise<GatewayUnderTest> {
  const base = loadConfig({
    configDir: path.resolve(__dirname, '../../../../../config'),
    env: { VOXGATE_REDIS_PREFIX: `vgtest:${randomBytes(6).toString('hex')}:` },
  });
  const config: GatewayConfig = { ...base, server: { ...base.server, ...overrides } };
  const routes: ServedRoute[] = [];
  // Nest calls `initHttpServer` while it builds the app, right after creating the Fastify instance.
  const spy = jest.spyOn(FastifyAdapter.prototype, 'initHttpServer');
  spy.mockImplementation(function (this: FastifyAdapter, ...args: Parameters<FastifyAdapter['initHttpServer']>) {
    this.getInstance().addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.push({ method: String(method), url: route.url ?? '' });
    });
    spy.mockRestore();
    return this.initHttpServer(...args);
  });
  let app: NestFastifyApplication;
  try {
    app = await createGatewayApp(config, new JsonLogger('error'));
  } finally {
    spy.mockRestore();
  }
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, routes, close: () => app.close() };
}
