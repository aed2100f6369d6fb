import { AdminClient } from './admin.client';
import { GatewayError, UsageError } from './cli.errors';
import { type CliIo, write } from './cli.io';
import type { CommandGroup } from './command';
import { parseCommandLine } from './command-line';
import { COMMAND_GROUPS } from './commands/command-groups';
import { commandHelp, groupHelp, topHelp } from './help';
import { Output, redactor } from './output';

export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** Whole request, answer included: generous, since a usage export of a long period streams for a while. */
const REQUEST_TIMEOUT_MS = 120_000;

/**
 * Runs one `voxgate …` command line and resolves with the process exit code: 0 done; 1 the gateway
 * answered with an error (its message is printed) or could not be reached; 2 the command line is wrong
 * (nothing was sent). Never throws, never prints the admin key.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  groups: readonly CommandGroup[] = COMMAND_GROUPS,
): Promise<number> {
  // The key is known before parsing succeeds (from the environment), so even a parse error is redacted.
  let redact = redactor(io.env.VOXGATE_ADMIN_KEY);
  try {
    const line = parseCommandLine(argv, groups);
    const adminKey = line.adminKey ?? io.env.VOXGATE_ADMIN_KEY;
    redact = combine(redact, redactor(line.adminKey));

    if (!line.group) {
      await write(line.help ? io.stdout : io.stderr, topHelp(groups));
      return line.help ? 0 : 2;
    }
    if (!line.command) {
      await write(line.help ? io.stdout : io.stderr, groupHelp(line.group));
      return line.help ? 0 : 2;
    }
    if (line.help || !line.input) {
      await write(io.stdout, commandHelp(line.group, line.command));
      return 0;
    }
    if (!adminKey) throw new UsageError('no admin key: set VOXGATE_ADMIN_KEY (or pass --admin-key)');
    const baseUrl = line.url ?? io.env.VOXGATE_URL ?? DEFAULT_URL;
    if (!URL.canParse(baseUrl)) throw new UsageError(`--url / VOXGATE_URL '${baseUrl}' is not a URL`);

    const client = new AdminClient({ baseUrl, adminKey, fetch: io.fetch, timeoutMs: REQUEST_TIMEOUT_MS });
    const output = new Output(io.stdout, io.stderr, line.json, redact);
    await line.command.run(line.input, { client, output, io });
    return 0;
  } catch (error) {
    return await report(error, io, redact);
  }
}

async function report(error: unknown, io: CliIo, redact: (text: string) => string): Promise<number> {
  if (error instanceof UsageError) {
    await write(io.stderr, redact(`voxgate: ${error.message}\nSee \`${error.helpHint}\`.\n`));
    return error.exitCode;
  }
  if (error instanceof GatewayError) {
    const detail = [error.status === undefined ? undefined : `HTTP ${error.status}`, error.code ?? undefined]
      .filter(Boolean)
      .join(' ');
    await write(io.stderr, redact(`voxgate: ${error.message}${detail ? ` (${detail})` : ''}\n`));
    return error.exitCode;
  }
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  await write(io.stderr, redact(`voxgate: unexpected error: ${text}\n`));
  return 1;
}

function combine(first: (text: string) => string, second: (text: string) => string): (text: string) => string {
  return (text) => second(first(text));
}
