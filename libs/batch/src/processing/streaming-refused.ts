import { Errors, type GatewayError } from '@voxgate/openai-wire';

/**
 * The 400 of a `"stream": true` line. OpenAI's Batch API returns each line's answer as one JSON body in
 * the output file, so it has no streaming; Voxgate records such a line as this error (without running it)
 * rather than buffer a stream nobody reads.
 */
export function streamingRefused(): GatewayError {
  return Errors.invalidRequest(
    'Streaming is not supported in batches: remove "stream": true from the request.',
    'stream',
    'unsupported_value',
  );
}
