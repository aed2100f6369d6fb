// Test-only helpers for the local provider's specs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { LocalVoiceError, type LocalVoiceErrorCode } from '@voxgate/local-voice';
import type { LocalEngines } from '../local-speech';

/** Libraries and model the engines need on Debian 12. */
export function missingEngines(): string[] {
  const cache = spawnSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' }).stdout ?? '';
  const missing = ['libflite.so.1', 'libespeak-ng.so.1', 'libpocketsphinx.so.3'].filter(
    (name) => !cache.includes(name),
  );
  if (!existsSync('/usr/share/pocketsphinx/model/en-us/en-us.lm.bin')) missing.push('pocketsphinx-en-us');
  return missing;
}

/** `describe` when the engines are installed; under `CI=true` always (so their absence fails, never skips). */
export function describeWithEngines(name: string, body: () => void): void {
  const lacking = missingEngines();
  if (lacking.length === 0 || process.env.CI === 'true') describe(name, body);
  else describe.skip(`${name} (skipped: local engines missing: ${lacking.join(', ')})`, body);
}

/** Engines that fail every call with `code` (the failures a real host produces only by breaking it). */
export function failingEngines(code: LocalVoiceErrorCode, message = `simulated ${code}`): LocalEngines {
  return {
    // eslint-disable-next-line require-yield
    synthesize: async function* () {
      await Promise.resolve();
      throw new LocalVoiceError(code, message);
    },
    transcribe: () => Promise.reject(new LocalVoiceError(code, message)),
  };
}
