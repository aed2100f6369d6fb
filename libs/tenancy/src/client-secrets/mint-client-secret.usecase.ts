import { randomBytes } from 'node:crypto';
import { Errors } from '@voxgate/openai-wire';
import { hashSecret } from '../api-key-secret';
import type { Principal, TenancyEnvironment } from '../tenancy.types';
import { generateClientSecret } from './client-secret-value';
import type { ClientSecretRecord, ClientSecretRepository } from './client-secret.repository';

/** Longest life of a client secret, in seconds (OpenAI's default; OpenAI allows up to 7200). */
export const CLIENT_SECRET_MAX_SECONDS = 600;
/** Shortest life of a client secret, in seconds (OpenAI's minimum). */
export const CLIENT_SECRET_MIN_SECONDS = 10;

export interface MintClientSecretInput {
  /** The model the secret is bound to (already checked against the catalogue by the caller). */
  readonly model: string;
  /** Session settings, already validated against the realtime session schema. */
  readonly session: Readonly<Record<string, unknown>>;
  /** Life in seconds, `CLIENT_SECRET_MIN_SECONDS`…`CLIENT_SECRET_MAX_SECONDS`. */
  readonly seconds: number;
}

export interface MintedClientSecret {
  readonly value: string;
  readonly record: ClientSecretRecord;
}

/**
 * Mints a client secret for the calling key: stored hashed under the tenant's tag with a TTL of its
 * life; the plaintext `value` is returned once and kept nowhere. A client secret cannot mint another.
 */
export class MintClientSecret {
  constructor(
    private readonly secrets: ClientSecretRepository,
    private readonly environment: Pick<TenancyEnvironment, 'now'>,
    private readonly newSecretId: () => string = () => `cs_${randomBytes(12).toString('hex')}`,
  ) {}

  async execute(principal: Principal, input: MintClientSecretInput): Promise<MintedClientSecret> {
    if (principal.clientSecret) throw Errors.clientSecretNotAllowed('a client secret cannot mint another.');
    if (
      !Number.isInteger(input.seconds) ||
      input.seconds < CLIENT_SECRET_MIN_SECONDS ||
      input.seconds > CLIENT_SECRET_MAX_SECONDS
    ) {
      throw Errors.invalidRequest(
        `expires_after.seconds must be an integer from ${CLIENT_SECRET_MIN_SECONDS} to ${CLIENT_SECRET_MAX_SECONDS}.`,
        'expires_after.seconds',
      );
    }
    const value = generateClientSecret(principal.tenantId);
    const record: ClientSecretRecord = {
      id: this.newSecretId(),
      tenantId: principal.tenantId,
      keyId: principal.keyId,
      model: input.model,
      session: input.session,
      expiresAt: Math.floor(this.environment.now().getTime() / 1000) + input.seconds,
    };
    await this.secrets.create(record, hashSecret(value), input.seconds * 1000);
    return { value, record };
  }
}
