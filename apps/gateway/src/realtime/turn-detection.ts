import type { GatewayConfig } from '@voxgate/config';
import { SileroWindowPool } from '@voxgate/local-voice';
import { ModelVadDetector, ServerVadDetector, type TurnDetectorFactory } from '@voxgate/realtime';
import type { JsonLogger } from '../infra/json-logger';

/** The detector bridged sessions use for `turn_detection`, and which engine it is. */
export interface TurnDetection {
  readonly engine: 'silero' | 'energy';
  readonly factory: TurnDetectorFactory;
}

/**
 * `realtime.vad.engine` at boot: `silero` loads one pool of Silero detectors for the process, at most
 * `realtime.vad.maxDetectors` (sessions lease one while their audio is loud; `ModelVadDetector`), or, when
 * sherpa-onnx-node or the model cannot load, warns once and falls back to the energy detector; `energy`
 * never loads the model.
 */
export function createTurnDetection(config: GatewayConfig, logger: JsonLogger): TurnDetection {
  const energy: TurnDetection = {
    engine: 'energy',
    factory: (settings, rate, start) => new ServerVadDetector(settings, rate, start),
  };
  if (config.realtime.vad.engine === 'energy') return energy;
  try {
    const pool = SileroWindowPool.load({ maxDetectors: config.realtime.vad.maxDetectors });
    return {
      engine: 'silero',
      factory: (settings, rate, start) => new ModelVadDetector(settings, rate, start, pool),
    };
  } catch (error) {
    logger.event('warn', 'realtime VAD: Silero is unavailable, using the energy detector', {
      error: error instanceof Error ? error.message : String(error),
    });
    return energy;
  }
}
