import type { LocalVoiceError } from '@voxgate/local-voice';
import { Errors, GatewayError } from '@voxgate/openai-wire';

/**
 * A `LocalVoiceError` as the client sees it. Engine messages name libraries, packages and voices, never
 * the audio or text, so they are shown as they are:
 *
 * - `engine_unavailable` → 503 `engine_unavailable` (the message names the Debian package to install);
 * - `unknown_voice` → 400 on `voice`; `unsupported_language` → 400 on `language`; `invalid_argument` → 400;
 * - `timeout` → 504 `upstream_timeout`; `aborted` → 499-like 408 (the client is gone; nobody reads it);
 * - `worker_crashed`, `engine_failed` → 502 `upstream_error` (the router may try a fallback).
 */
export function gatewayErrorOf(provider: string, raw: LocalVoiceError, input: 'input' | 'file'): GatewayError {
  const error = { code: raw.code, message: raw.message.replace(/[.\s]+$/, '') };
  switch (error.code) {
    case 'engine_unavailable':
      return new GatewayError(
        503,
        'server_error',
        'engine_unavailable',
        `The provider '${provider}' is not usable: ${error.message}.`,
      );
    case 'unknown_voice':
      return Errors.invalidRequest(`Unsupported voice: ${error.message}.`, 'voice', 'invalid_value');
    case 'unsupported_language':
      return Errors.invalidRequest(
        `The provider '${provider}' transcribes English only: ${error.message}.`,
        'language',
        'unsupported_language',
      );
    case 'invalid_argument':
      return Errors.invalidRequest(`Invalid '${input}': ${error.message}.`, input, 'invalid_value');
    case 'timeout':
      return new GatewayError(
        504,
        'upstream_error',
        'upstream_timeout',
        `The provider '${provider}' timed out: ${error.message}.`,
      );
    case 'aborted':
      return new GatewayError(408, 'invalid_request_error', 'request_aborted', 'The request was cancelled.');
    case 'worker_crashed':
    case 'engine_failed':
      return Errors.upstreamError(provider, `${error.message}.`);
  }
}
