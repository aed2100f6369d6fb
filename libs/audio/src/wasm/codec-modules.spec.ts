import {
  loadFlac,
  loadMediabunnyAac,
  loadMpg123,
  loadOpus,
  loadSonic,
  loadSpeex,
  loadWasmMediaEncoders,
} from './codec-modules';

describe('codec modules', () => {
  it('load under Jest (ESM-only packages transformed) and are cached', async () => {
    const [opus, sonic, speex, mpg123, lame, flac, mediabunny] = await Promise.all([
      loadOpus(),
      loadSonic(),
      loadSpeex(),
      loadMpg123(),
      loadWasmMediaEncoders(),
      loadFlac(),
      loadMediabunnyAac(),
    ]);
    expect(typeof opus.Decoder).toBe('function');
    expect(typeof sonic._sonicCreateStream).toBe('function');
    expect(typeof speex._speex_resampler_init).toBe('function');
    expect(typeof mpg123.MPEGDecoder).toBe('function');
    expect(typeof lame.createMp3Encoder).toBe('function');
    expect(flac.isReady()).toBe(true);
    expect(typeof mediabunny.AdtsOutputFormat).toBe('function');
    expect(await loadSonic()).toBe(sonic);
  });

  it('leave globalThis.fetch untouched', async () => {
    const before = globalThis.fetch;
    await loadFlac();
    expect(globalThis.fetch).toBe(before);
  });
});
