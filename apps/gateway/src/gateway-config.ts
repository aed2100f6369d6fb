import path from 'node:path';
import { ConfigError, type GatewayConfig, loadConfig } from '@voxgate/config';
import { JsonLogger } from './infra/json-logger';

/*
 * What a process needs before it decides what to run: the config and a logger. Kept apart from
 * `gateway-app.ts` so that the cluster's primary (ADR 0019), which only supervises workers, never loads Nest.
 */

const CONFIG_DIR = process.env.VOXGATE_CONFIG_DIR ?? path.resolve(__dirname, '../../../../config');

/** The logger every process uses: JSON lines, `LOG_LEVEL=debug` for more. */
export function createLogger(): JsonLogger {
  return new JsonLogger(logLevel());
}

/** The minimum level of every process's logger. */
export function logLevel(): 'debug' | 'info' {
  return process.env.LOG_LEVEL === 'debug' ? 'debug' : 'info';
}

/** The validated config, or exit 1 naming every bad key. */
export function loadGatewayConfig(): GatewayConfig {
  try {
    return loadConfig({ configDir: CONFIG_DIR, env: process.env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`voxgate: ${error.message}\n`);
    process.exit(1);
  }
}
