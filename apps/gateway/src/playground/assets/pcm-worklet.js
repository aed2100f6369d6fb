// The playground's AudioWorklet processors, loaded with audioWorklet.addModule(). Both convert between the
// AudioContext's rate (`sampleRate`, a worklet global) and the Realtime API's pcm16 at 24 kHz by linear
// interpolation: enough for speech in a developer's tool (no anti-alias filter on the way down).

const PCM_RATE = 24000;

/**
 * 'mic-capture': mono input → 24 kHz Int16 chunks of 100 ms, posted to the main thread as
 * `{ type: 'chunk', pcm: ArrayBuffer }` (the buffer is transferred).
 */
class MicCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / PCM_RATE; // input samples per output sample
    this.position = 0; // read position; 0 is the last sample of the previous block
    this.previous = 0;
    this.chunk = new Int16Array(PCM_RATE / 10);
    this.filled = 0;
  }

  process(inputs) {
    const input = inputs[0] && inputs[0][0];
    if (!input || input.length === 0) return true;
    let position = this.position;
    // Virtual signal: index 0 is `previous`, index i + 1 is input[i].
    while (position < input.length) {
      const index = Math.floor(position);
      const before = index === 0 ? this.previous : input[index - 1];
      const after = input[index];
      const value = before + (after - before) * (position - index);
      const clamped = Math.max(-1, Math.min(1, value));
      this.chunk[this.filled++] = clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff;
      if (this.filled === this.chunk.length) {
        this.port.postMessage({ type: 'chunk', pcm: this.chunk.buffer }, [this.chunk.buffer]);
        this.chunk = new Int16Array(PCM_RATE / 10);
        this.filled = 0;
      }
      position += this.step;
    }
    this.position = position - input.length;
    this.previous = input[input.length - 1];
    return true;
  }
}

/**
 * 'pcm-player': gapless playback of 24 kHz audio pushed as `{ type: 'push', itemId, samples: Float32Array
 * buffer }`, queued in order. `{ type: 'clear' }` drops what is queued (barge-in). It reports
 * `{ type: 'progress' | 'cleared', played, byItem }` every ~50 ms while playing, when the queue drains and
 * after a clear: `played` counts the 24 kHz samples actually rendered to the output, `byItem` the same
 * per item id (what `conversation.item.truncate` needs), `rms` the level of everything rendered (0–1).
 */
class PcmPlayer extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = PCM_RATE / sampleRate; // source samples per output frame
    this.queue = [];
    this.position = 0; // fractional read position in queue[0]
    this.played = 0;
    this.byItem = {};
    this.energy = 0; // sum of squares of the frames rendered from the queue
    this.frames = 0;
    this.sinceReport = 0;
    this.port.onmessage = (event) => {
      const message = event.data;
      if (message.type === 'push') {
        this.queue.push({ itemId: message.itemId, samples: new Float32Array(message.samples) });
        if (!(message.itemId in this.byItem)) this.byItem[message.itemId] = 0;
      } else if (message.type === 'clear') {
        this.queue = [];
        this.position = 0;
        this.report('cleared');
      }
    };
  }

  report(type) {
    this.sinceReport = 0;
    const rms = this.frames > 0 ? Math.sqrt(this.energy / this.frames) : 0;
    this.port.postMessage({ type, played: this.played, byItem: { ...this.byItem }, queued: this.queue.length, rms });
  }

  process(_inputs, outputs) {
    const output = outputs[0];
    const left = output[0];
    const wasPlaying = this.queue.length > 0;
    for (let frame = 0; frame < left.length; frame++) {
      const head = this.queue[0];
      if (!head) {
        left[frame] = 0;
        continue;
      }
      const index = Math.floor(this.position);
      const current = head.samples[index];
      const next =
        index + 1 < head.samples.length ? head.samples[index + 1] : this.queue[1] ? this.queue[1].samples[0] : current;
      const value = current + (next - current) * (this.position - index);
      left[frame] = value;
      this.energy += value * value;
      this.frames++;
      const advanced = Math.floor(this.position + this.step) - index;
      this.position += this.step;
      this.played += advanced;
      this.byItem[head.itemId] += advanced;
      if (this.position >= head.samples.length) {
        this.position -= head.samples.length;
        this.queue.shift();
        // The samples skipped over at the start of the next chunk are played too (counted when reached).
      }
    }
    for (let channel = 1; channel < output.length; channel++) output[channel].set(left);
    this.sinceReport += left.length;
    if ((wasPlaying && this.queue.length === 0) || (this.queue.length > 0 && this.sinceReport >= sampleRate / 20)) {
      this.report('progress');
    }
    return true;
  }
}

registerProcessor('mic-capture', MicCapture);
registerProcessor('pcm-player', PcmPlayer);
