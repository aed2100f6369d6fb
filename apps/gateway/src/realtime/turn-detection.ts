import type { GatewayConfig } from '@voxgate/config';
import { SileroWindowPool } from '@voxgate/local-voice';
import { ModelVadDetector, ServerVadDetector, type TurnDetectorFactory } from '@voxgate/realtime';
import type { JsonLogger } from '../infra/json-logger';

/** The detector bridged sessions use for `turn_detection`, and which engine it is. */
export interface TurnDetection {
  /** `silero` until Silero failed to load (then `energy` from that moment on). */
  readonly engine: 'silero' | 'energy';
  readonly factory: TurnDetectorFactory;
}

const WARNING = 'realtime VAD: Silero is unavailable, using the energy detector';

/**
 * `realtime.vad.engine`: `silero` uses one pool of Silero detectors for the process, at most
 * `realtime.vad.maxDetectors` (sessions lease one while their audio is loud; `ModelVadDetector`); `energy`
 * never loads the model.
 *
 * The pool, and with it sherpa-onnx's native addon (onnxruntime, about 30 MB resident), loads when the first
 * session needs a detector, not at boot: a gateway that serves no realtime turn never pays for it. What
 * can be checked without loading it (the package resolves, the model file exists) is checked at boot, with
 * one warning and the energy detector when it fails; a load that fails later warns once and falls back
 * the same way for that session and every later one.
 */
export function createTurnDetection(config: GatewayConfig, logger: JsonLogger): TurnDetection {
  const energyFactory: TurnDetectorFactory = (settings, rate, start) => new ServerVadDetector(settings, rate, start);
  const energy: TurnDetection = { engine: 'energy', factory: energyFactory };
  if (config.realtime.vad.engine === 'energy') return energy;
  const unavailable = SileroWindowPool.unavailableReason();
  if (unavailable !== null) {
    logger.event('warn', WARNING, { error: unavailable });
    return energy;
  }
  /** undefined: not loaded yet; null: failed to load. */
  let pool: SileroWindowPool | null | undefined;
  const loadedPool = (): SileroWindowPool | null => {
    if (pool !== undefined) return pool;
    try {
      pool = SileroWindowPool.load({ maxDetectors: config.realtime.vad.maxDetectors });
    } catch (error) {
      pool = null;
      logger.event('warn', WARNING, { error: error instanceof Error ? error.message : String(error) });
    }
    return pool;
  };
  return {
    get engine() {
      return pool === null ? 'energy' : 'silero';
    },
    factory: (settings, rate, start) => {
      const loaded = loadedPool();
      return loaded ? new ModelVadDetector(settings, rate, start, loaded) : energyFactory(settings, rate, start);
    },
  };
}
