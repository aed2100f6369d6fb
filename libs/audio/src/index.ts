// @voxgate/audio: sniff, decode, resample, time-stretch and encode audio in-process. Pure: no Nest, no Redis,
// no HTTP, no child processes. See README.md.
export * from './audio-error';
export * from './audio-formats';
export * from './audio-limits';
export type { PcmAudio } from './pcm-audio';
export { pcmDurationSeconds } from './pcm-audio';
export { mp3DurationSeconds } from './decode/mp3.decoder';
export { sniffAudio, type AudioCodec, type AudioContainer, type SniffResult } from './sniff/sniff-audio';
export { resolveInputFormat, type ResolvedInput } from './sniff/resolve-input-format';
export { decodeAudio } from './decode/decode-audio';
export { decodeG711, encodeG711, type G711Law } from './decode/g711.codec';
export { Resampler, type ResamplerOptions } from './dsp/resampler';
export { TimeStretcher, MIN_SPEED, MAX_SPEED, checkSpeed } from './dsp/time-stretcher';
export type { AudioEncoder, AudioEncoderOptions } from './encode/audio-encoder';
export { createAudioEncoder } from './encode/create-audio-encoder';
export { createOutputPipeline, type OutputPipeline, type OutputPipelineOptions } from './pipeline/output-pipeline';
export { transcodeToWav, encodeWav } from './pipeline/transcode-to-wav';
