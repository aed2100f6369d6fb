import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Libraries and model of the local engines this host lacks (Debian 12 names). */
export function missingEngines(): string[] {
  const cache = spawnSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' }).stdout ?? '';
  const missing = ['libflite.so.1', 'libespeak-ng.so.1', 'libpocketsphinx.so.3'].filter(
    (name) => !cache.includes(name),
  );
  if (!existsSync('/usr/share/pocketsphinx/model/en-us/en-us.lm.bin')) missing.push('pocketsphinx-en-us');
  return missing;
}

/**
 * `describe` when the local engines are installed. Outside CI a missing engine skips the block (reason in
 * its name); under `CI=true` it always runs, so a CI image without the engines fails instead of skipping.
 */
export function describeWithEngines(name: string, body: () => void): void {
  const lacking = missingEngines();
  if (lacking.length === 0 || process.env.CI === 'true') describe(name, body);
  else describe.skip(`${name} (skipped: local engines missing: ${lacking.join(', ')}; see docs/local-voice.md)`, body);
}
