import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Resampler } from '@voxgate/audio';

/** Samples resampled per slice on the main thread before yielding (~1 s of audio, well under 1 ms of CPU). */
const SLICE = 48_000;

/**
 * Converts mono PCM16 between rates on the main thread in slices, yielding to the event loop between them,
 * so a long input never blocks it for more than about a millisecond. Output length is exact
 * (`round(n × to / from)`), as `Resampler` guarantees.
 */
export async function resampleChunked(samples: Int16Array, from: number, to: number): Promise<Int16Array> {
  if (from === to) return samples;
  const resampler = await Resampler.create(from, to);
  const parts: Int16Array[] = [];
  for (let offset = 0; offset < samples.length; offset += SLICE) {
    parts.push(resampler.process(samples.subarray(offset, offset + SLICE)));
    if (offset + SLICE < samples.length) await yieldToEventLoop();
  }
  parts.push(resampler.flush());
  return concat(parts);
}

/** One Int16Array of all parts, in order. */
export function concat(parts: readonly Int16Array[]): Int16Array {
  const output = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    output.set(part, offset);
    offset += part.length;
  }
  return output;
}
