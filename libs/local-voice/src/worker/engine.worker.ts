// Entry point of an engine worker thread: runs the jobs the pool posts, one at a time, and replies with
// progress, the result (sample buffers transferred, not copied) or a typed error. Native code runs only here.
import { parentPort, workerData } from 'node:worker_threads';
import { LocalVoiceError } from '../local-voice.error';
import type { EngineWorkerConfig, JobMessage, WorkerReply } from './engine.protocol';
import { EngineHost } from './engine-host';

const port = parentPort;
if (port === null) throw new Error('engine.worker must run in a worker thread');
const host = new EngineHost(workerData as EngineWorkerConfig);

port.on('message', ({ id, job }: JobMessage) => {
  const reply = (message: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
  try {
    const result = host.run(job, (progress) => reply({ id, type: 'progress', progress }));
    const buffer = 'samples' in result ? result.samples.buffer : undefined;
    reply({ id, type: 'done', result }, buffer instanceof ArrayBuffer ? [buffer] : []);
  } catch (error) {
    reply({ id, type: 'error', error: LocalVoiceError.from(error).toWire() });
  }
});
