import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Errors } from '@voxgate/openai-wire';
import type { IncomingHttpHeaders } from 'node:http';

const SECRET_HEADER = 'x-voxgate-internal-auth';
const KEY_HEADER = 'x-voxgate-internal-key-id';

/**
 * Authenticates requests the process sends to itself (batch lines, through Fastify's `inject`) as an
 * API key named by id, without the key's secret, which the gateway never stores. The proof is a random
 * per-process secret: it never leaves the process (injected requests do not touch the network) and is
 * never logged; another process or replica cannot produce it, so from outside these headers are useless.
 */
export class InternalCaller {
  private readonly secret = randomBytes(32);

  /** Headers that make an injected request run as `keyId`. */
  headersFor(keyId: string): Record<string, string> {
    return { [SECRET_HEADER]: this.secret.toString('base64url'), [KEY_HEADER]: keyId };
  }

  /**
   * The key id an internal request runs as; null for an ordinary request. A request that carries the
   * header with a wrong secret is a 401, never a fall-back to its bearer key.
   */
  keyIdOf(headers: IncomingHttpHeaders): string | null {
    const sent = headers[SECRET_HEADER];
    if (sent === undefined) return null;
    const proof = Buffer.from(typeof sent === 'string' ? sent : '', 'base64url');
    const keyId = headers[KEY_HEADER];
    if (proof.length !== this.secret.length || !timingSafeEqual(proof, this.secret) || typeof keyId !== 'string')
      throw Errors.invalidApiKey();
    return keyId;
  }
}
