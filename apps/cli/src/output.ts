import type { Writable } from 'node:stream';
import { write } from './cli.io';

/**
 * Where a command's results go. With `--json`, stdout gets the gateway's JSON answer unchanged (pretty
 * printed, one document per command), so `voxgate --json … | jq` always parses; otherwise it gets the
 * human text the command renders. Notes for the person at the terminal (a secret shown once, more pages)
 * go to stderr in both modes.
 *
 * Every text written is passed through `redact`: the admin key never reaches the terminal or a log, even
 * if some future message echoed it.
 */
export class Output {
  constructor(
    private readonly stdout: Writable,
    private readonly stderr: Writable,
    readonly json: boolean,
    private readonly redact: (text: string) => string,
  ) {}

  /** `body` as JSON with `--json`; what `human()` renders otherwise (called only then). */
  async result(body: unknown, human: () => string): Promise<void> {
    await this.stdoutText(this.json ? `${JSON.stringify(body, null, 2)}\n` : human());
  }

  /** A line for the person at the terminal, on stderr. */
  async note(text: string): Promise<void> {
    await write(this.stderr, this.redact(`${text}\n`));
  }

  /** Bytes passed through as they come (a usage export), never reformatted. */
  async raw(chunk: Uint8Array): Promise<void> {
    await write(this.stdout, chunk);
  }

  private async stdoutText(text: string): Promise<void> {
    await write(this.stdout, this.redact(text));
  }
}

/** Replaces every occurrence of `secret` in a text by `***` (a no-op for an empty secret). */
export function redactor(secret: string | undefined): (text: string) => string {
  if (!secret) return (text) => text;
  return (text) => text.split(secret).join('***');
}
