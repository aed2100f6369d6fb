// The playground's audio: the microphone as 24 kHz pcm16 chunks, and gapless playback of 24 kHz pcm16,
// both through the AudioWorklet processors in pcm-worklet.js. No inline code, no third-party library.

/** The Realtime API's pcm16 rate; `input_audio_buffer.append` and `response.output_audio.delta` use it. */
export const PCM_RATE = 24000;

/**
 * Opens the audio graph. Call it from a user gesture (a click): browsers start an AudioContext only then.
 * `onChunk(pcm: Int16Array)` gets 100 ms of microphone audio at a time; `onProgress({ played, byItem,
 * queued })` gets the player's reports (played 24 kHz samples, in total and per item id).
 */
export async function openAudio({ onChunk, onProgress }) {
  const context = new AudioContext({ latencyHint: 'interactive' });
  await context.audioWorklet.addModule(new URL('pcm-worklet.js', import.meta.url));
  if (context.state === 'suspended') await context.resume();

  const player = new AudioWorkletNode(context, 'pcm-player', { numberOfInputs: 0, outputChannelCount: [2] });
  player.connect(context.destination);
  let clearing = null;
  player.port.onmessage = (event) => {
    const message = event.data;
    onProgress(message);
    if (message.type === 'cleared' && clearing) {
      clearing(message);
      clearing = null;
    }
  };

  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  });
  const source = context.createMediaStreamSource(stream);
  const capture = new AudioWorkletNode(context, 'mic-capture', {
    numberOfOutputs: 0,
    channelCount: 1,
    channelCountMode: 'explicit',
  });
  capture.port.onmessage = (event) => {
    if (event.data.type === 'chunk') onChunk(new Int16Array(event.data.pcm));
  };
  source.connect(capture);

  return {
    sampleRate: context.sampleRate,
    /** Queues base64 pcm16 (24 kHz mono) for playback under `itemId`; returns its sample count. */
    play(itemId, base64) {
      const samples = pcm16ToFloat32(base64);
      const count = samples.length; // read before the transfer detaches the buffer
      player.port.postMessage({ type: 'push', itemId, samples: samples.buffer }, [samples.buffer]);
      return count;
    },
    /** Drops all queued audio; resolves with the final counts (`byItem`: samples played per item). */
    clear() {
      return new Promise((resolve) => {
        clearing = resolve;
        player.port.postMessage({ type: 'clear' });
      });
    },
    async close() {
      for (const track of stream.getTracks()) track.stop();
      await context.close();
    },
  };
}

/** base64 of little-endian 16-bit PCM → samples in [-1, 1). */
function pcm16ToFloat32(base64) {
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  const view = new DataView(bytes.buffer);
  const samples = new Float32Array(bytes.length >> 1);
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true) / 0x8000;
  return samples;
}

/** Int16 samples → base64 of their little-endian bytes (what `input_audio_buffer.append` carries). */
export function int16ToBase64(pcm) {
  const bytes = new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
