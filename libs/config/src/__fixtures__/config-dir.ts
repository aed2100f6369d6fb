import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A small but complete `default.yaml`, like the real one with a second provider. */
export const DEFAULT_YAML = `
server:
  host: 127.0.0.1
  port: 8080
redis:
  url: redis://127.0.0.1:6379
  keyPrefix: "voxgate:"
providers:
  openai:
    type: openai
    baseUrl: https://api.openai.com/v1
    apiKey: \${OPENAI_API_KEY:-}
models:
  - id: gpt-4o-audio-preview-2025-06-03
    aliases: [gpt-4o-audio-preview]
    provider: openai
    created: 1748908498
`;

/** Temp directories holding config files; `cleanup()` removes them all (call it in afterEach). */
export class ConfigDirs {
  private readonly dirs: string[] = [];

  /** Writes `files` (name → YAML text) into a fresh directory and returns its path. */
  create(files: Readonly<Record<string, string>>): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'voxgate-config-'));
    this.dirs.push(dir);
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text, 'utf8');
    return dir;
  }

  cleanup(): void {
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}
