import { readFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type GatewayConfig, providerHasCredentials, SecretRedactor } from '@voxgate/config';
import { AppModule } from './app.module';
import { ChatCompletionsRoute } from './chat/chat-completions.route';
import { handleClientError, MAX_PARAM_CHARS, requireHostHeader, sendFrameworkError } from './http/edge-errors';
import { registerBodyParsers } from './http/body-parsers';
import { registerCors } from './http/cors';
import { registerMultipartChat } from './http/multipart-body';
import { OpenAIExceptionFilter } from './http/openai-exception.filter';
import { requestIdFor } from './http/request-id';
import { AccessLog } from './infra/access-log';
import { setOpenaiHeaders } from './http/response-headers';
import { GracefulShutdown, refuseWhileDraining } from './infra/graceful-shutdown';
import { JsonLogger } from './infra/json-logger';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { registerApiReference } from './openapi/api-reference.routes';
import { registerPlayground } from './playground/playground.routes';
import { registerRealtime } from './realtime/realtime.routes';
import { boundUnsentBytes } from './http/bound-unsent-bytes';

// Re-exported: the worker app and older imports take them from here.
export { createLogger, loadGatewayConfig } from './gateway-config';

/**
 * The gateway's Nest application on Fastify, fully configured (error filter, content types, multipart,
 * OpenAI headers, access log) but not listening: `main.ts` listens on it, the worker only `init`s it and
 * runs batch lines through its `CompletionPipeline`, so both run the exact same completion pipeline.
 */
export async function createGatewayApp(config: GatewayConfig, logger: JsonLogger): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    ...(config.server.tls ? { https: tlsOptions(config.server.tls) } : {}),
    bodyLimit: config.server.bodyLimitBytes,
    genReqId: requestIdFor,
    requestIdHeader: false,
    logger: false,
    return503OnClosing: true,
    routerOptions: { maxParamLength: MAX_PARAM_CHARS },
    http: { requireHostHeader: false },
    frameworkErrors: sendFrameworkError,
    clientErrorHandler: handleClientError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger), adapter, {
    logger,
    bodyParser: false,
  });
  const redactor = SecretRedactor.fromConfig(config);
  logger.useRedactor(redactor);
  const metrics = app.get(GatewayMetrics);
  const accessLog = app.get(AccessLog);
  const errors = new OpenAIExceptionFilter(logger, config.server.bodyLimitBytes, redactor, metrics);
  app.useGlobalFilters(errors);

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', requireHostHeader);
  fastify.addHook('onRequest', refuseWhileDraining(app.get(GracefulShutdown)));
  registerCors(fastify, config);
  registerBodyParsers(fastify, config.server.bodyLimitBytes);
  registerMultipartChat(fastify, config.server.bodyLimitBytes);
  app.get(ChatCompletionsRoute).register(fastify, errors);
  registerApiReference(fastify, { enabled: config.server.docs });
  registerPlayground(fastify, { enabled: config.server.playground });
  registerRealtime(app, config);
  boundUnsentBytes(fastify.server, config.server.tcpUnsentBytes, logger);
  // Callback-style hooks: they run on every request, and an async hook costs a promise and a microtask each.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    setOpenaiHeaders(reply);
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequest(request.routeOptions.url, request.method, reply.statusCode, reply.elapsedTime / 1000);
    accessLog.request(request, reply);
    done();
  });

  // Lines buffered for this turn of the event loop are written before the process goes (also at exit).
  fastify.addHook('onClose', (_instance, done) => {
    logger.flush();
    done();
  });

  warnAboutConfig(config, logger);
  // SIGTERM/SIGINT: drain (GracefulShutdown), close Fastify, queues and Redis, then exit with code 0. Only
  // those two, as the cluster primary and the exit backstop: Nest's default list also takes SIGUSR2 (Node's
  // signal for a diagnostic report or heap snapshot, which must not stop the gateway), SIGQUIT (a core
  // dump) and the fatal SIGSEGV, SIGBUS, SIGFPE, SIGILL, whose JavaScript listener can hang a crashed
  // process instead of letting it die and be restarted.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  return app;
}

/**
 * `server.tls` → Node's TLS options: the PEM files read once, at start (a missing or unreadable file
 * stops the process with the error naming it; rotating a certificate means a restart).
 */
function tlsOptions(tls: NonNullable<GatewayConfig['server']['tls']>): { cert: Buffer; key: Buffer; ca?: Buffer } {
  return {
    cert: readFileSync(tls.certFile),
    key: readFileSync(tls.keyFile),
    ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
  };
}

/** What an operator should fix, said once at boot rather than discovered as 503s and 403s later. */
function warnAboutConfig(config: GatewayConfig, logger: JsonLogger): void {
  for (const model of config.models.filter((entry) => !entry.pricing)) {
    logger.event('warn', 'model has no pricing: its usage is metered at cost 0', { model: model.id });
  }
  for (const [id, provider] of Object.entries(config.providers)) {
    if (providerHasCredentials(provider)) continue;
    const models = config.models.filter((model) => model.provider === id).map((model) => model.id);
    logger.event('warn', 'provider has no API key: requests routed to it fail with 503', { provider: id, models });
  }
  if (!config.admin.key) {
    logger.event('warn', 'admin API disabled: set VOXGATE_ADMIN_KEY to create tenants and keys');
  }
}
