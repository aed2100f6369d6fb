import type { GatewayConfig } from '@voxgate/config';
import { SileroWindowPool } from '@voxgate/local-voice';
import { ModelVadDetector, ServerVadDetector } from '@voxgate/realtime';
import type { JsonLogger } from '../infra/json-logger';
import { createTurnDetection } from './turn-detection';

const SETTINGS = { threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 };
const WARNING = 'realtime VAD: Silero is unavailable, using the energy detector';

describe('createTurnDetection (realtime.vad.engine)', () => {
  const logger = { event: jest.fn() } as unknown as JsonLogger & { event: jest.Mock };
  const config = (engine: 'silero' | 'energy') =>
    ({ realtime: { vad: { engine, maxDetectors: 4 } } }) as unknown as GatewayConfig;
  afterEach(() => {
    jest.restoreAllMocks();
    logger.event.mockClear();
  });

  it('uses Silero by default and energy when asked, without a warning', () => {
    expect(createTurnDetection(config('silero'), logger).engine).toBe('silero');
    expect(createTurnDetection(config('energy'), logger).engine).toBe('energy');
    expect(logger.event).not.toHaveBeenCalled();
  });

  it('loads the Silero pool when the first session needs a detector, once, not at boot', () => {
    const load = jest.spyOn(SileroWindowPool, 'load');
    const detection = createTurnDetection(config('silero'), logger);
    expect(load).not.toHaveBeenCalled();
    expect(detection.factory(SETTINGS, 24_000, 0)).toBeInstanceOf(ModelVadDetector);
    expect(detection.factory(SETTINGS, 24_000, 0)).toBeInstanceOf(ModelVadDetector);
    expect(load).toHaveBeenCalledTimes(1);
    expect(logger.event).not.toHaveBeenCalled();
  });

  it('falls back to the energy detector with a boot warning when Silero is not installed', () => {
    jest
      .spyOn(SileroWindowPool, 'unavailableReason')
      .mockReturnValue('Silero VAD needs the npm package sherpa-onnx-node: not found');
    const load = jest.spyOn(SileroWindowPool, 'load');
    const detection = createTurnDetection(config('silero'), logger);
    expect(detection.engine).toBe('energy');
    expect(detection.factory(SETTINGS, 24_000, 0)).toBeInstanceOf(ServerVadDetector);
    expect(load).not.toHaveBeenCalled();
    expect(logger.event).toHaveBeenCalledWith(
      'warn',
      WARNING,
      expect.objectContaining({ error: expect.stringContaining('sherpa-onnx-node') }),
    );
  });

  it('falls back, warning once, when the pool fails to load at the first session', () => {
    const load = jest.spyOn(SileroWindowPool, 'load').mockImplementation(() => {
      throw new Error('sherpa-onnx-node did not load its native addon (sherpa-onnx-linux-x64)');
    });
    const detection = createTurnDetection(config('silero'), logger);
    expect(detection.factory(SETTINGS, 24_000, 0)).toBeInstanceOf(ServerVadDetector);
    expect(detection.factory(SETTINGS, 24_000, 0)).toBeInstanceOf(ServerVadDetector);
    expect(detection.engine).toBe('energy');
    expect(load).toHaveBeenCalledTimes(1);
    expect(logger.event).toHaveBeenCalledTimes(1);
    expect(logger.event).toHaveBeenCalledWith('warn', WARNING, expect.objectContaining({ error: expect.any(String) }));
  });
});
