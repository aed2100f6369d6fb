/**
 * Deterministic white noise (uniform, LCG) at about `dbfs` RMS, mono s16 at `sampleRate`: the noise burst
 * an energy VAD takes for speech and Silero does not (the VAD specs of local-voice and realtime use it).
 */
export function whiteNoise(seconds: number, dbfs: number, seed = 7, sampleRate = 16_000): Int16Array {
  const amplitude = 32767 * 10 ** (dbfs / 20) * Math.sqrt(3);
  const output = new Int16Array(Math.round(seconds * sampleRate));
  let state = seed;
  for (let index = 0; index < output.length; index++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    output[index] = Math.round((state / 2 ** 32 - 0.5) * 2 * amplitude);
  }
  return output;
}
