import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); `CHROMIUM_PATH` points elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * `describe` when Chromium is installed. Outside CI a missing browser skips the block (reason in its
 * name); under `CI=true` it always runs, so a CI image without Chromium fails instead of skipping.
 */
export function describeWithChromium(name: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH) || process.env.CI === 'true') describe(name, body);
  else describe.skip(`${name} (skipped: no Chromium at ${CHROMIUM_PATH}; apt-get install chromium)`, body);
}

/**
 * Headless Chromium whose only microphone plays `micWav` once (16-bit PCM WAV), then silence, and which
 * grants the microphone and starts audio without a gesture. `--no-sandbox`: the test runs as root in a
 * container, where Chromium's sandbox cannot start; a user's browser keeps its sandbox.
 */
export function launchChromium(micWav: string): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${micWav}%noloop`,
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}
