import type { GatewayConfig } from '@voxgate/config';
import { SileroWindowPool } from '@voxgate/local-voice';
import { ServerVadDetector } from '@voxgate/realtime';
import type { JsonLogger } from '../infra/json-logger';
import { createTurnDetection } from './turn-detection';

const SETTINGS = { threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 };

describe('createTurnDetection (realtime.vad.engine)', () => {
  const logger = { event: jest.fn() } as unknown as JsonLogger & { event: jest.Mock };
  const config = (engine: 'silero' | 'energy') =>
    ({ realtime: { vad: { engine, maxDetectors: 4 } } }) as unknown as GatewayConfig;

  it('uses Silero by default and energy when asked, without a warning', () => {
    expect(createTurnDetection(config('silero'), logger).engine).toBe('silero');
    expect(createTurnDetection(config('energy'), logger).engine).toBe('energy');
    expect(logger.event).not.toHaveBeenCalled();
  });

  it('falls back to the energy detector with a boot warning when Silero cannot load', () => {
    const load = jest.spyOn(SileroWindowPool, 'load').mockImplementation(() => {
      throw new Error('Silero VAD needs the npm package sherpa-onnx-node');
    });
    try {
      const detection = createTurnDetection(config('silero'), logger);
      expect(detection.engine).toBe('energy');
      expect(detection.factory(SETTINGS, 24_000, 0)).toBeInstanceOf(ServerVadDetector);
      expect(logger.event).toHaveBeenCalledWith(
        'warn',
        'realtime VAD: Silero is unavailable, using the energy detector',
        expect.objectContaining({ error: expect.stringContaining('sherpa-onnx-node') }),
      );
    } finally {
      load.mockRestore();
    }
  });
});
