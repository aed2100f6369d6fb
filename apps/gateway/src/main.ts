import 'reflect-metadata';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, type GatewayConfig, loadConfig } from '@voxgate/config';
import { AppModule } from './app.module';
import { OpenAIExceptionFilter } from './http/openai-exception.filter';
import { registerMultipartChat } from './http/multipart-body';
import { requestIdFor } from './http/request-id';
import { openaiHeaders } from './http/response-headers';
import { JsonLogger } from './infra/json-logger';

const CONFIG_DIR = process.env.VOXGATE_CONFIG_DIR ?? path.resolve(__dirname, '../../../../config');

async function bootstrap(): Promise<void> {
  const logger = new JsonLogger(process.env.LOG_LEVEL === 'debug' ? 'debug' : 'info');
  let config: GatewayConfig;
  try {
    config = loadConfig({ configDir: CONFIG_DIR, env: process.env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`voxgate: ${error.message}\n`);
    process.exit(1);
  }

  const adapter = new FastifyAdapter({
    bodyLimit: config.server.bodyLimitBytes,
    genReqId: requestIdFor,
    requestIdHeader: false,
    logger: false,
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger), adapter, { logger });
  app.useGlobalFilters(new OpenAIExceptionFilter(logger, config.server.bodyLimitBytes));

  const fastify = app.getHttpAdapter().getInstance();
  // The API speaks JSON only; other bodies get a 415 instead of being handed to handlers as strings.
  fastify.removeContentTypeParser(['text/plain', 'application/x-www-form-urlencoded']);
  await registerMultipartChat(fastify, config.server.bodyLimitBytes);
  fastify.addHook('onSend', async (_request, reply, payload) => {
    void reply.headers(openaiHeaders(reply));
    return payload;
  });
  fastify.addHook('onResponse', async (request, reply) => {
    logger.event('info', 'http.request', {
      requestId: request.id,
      method: request.method,
      path: request.url.split('?')[0],
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    });
  });

  for (const model of config.models.filter((entry) => !entry.pricing)) {
    logger.event('warn', 'model has no pricing: its usage is metered at cost 0', { model: model.id });
  }

  app.enableShutdownHooks();
  await app.listen({ host: config.server.host, port: config.server.port });
  const address = fastify.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  logger.event('info', 'listening', { url: `http://${config.server.host}:${port}`, models: config.models.length });
}

void bootstrap().catch((error: unknown) => {
  process.stderr.write(`voxgate: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
