import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './cli.errors';
import { type Command, type CommandGroup, CommandInput, type OptionSpec } from './command';

/** Options every command takes, before or after the command words. */
export const GLOBAL_OPTIONS = {
  url: {
    type: 'string',
    value: 'url',
    description: 'the gateway, e.g. https://voxgate.example.com (env VOXGATE_URL; default http://127.0.0.1:8080)',
  },
  'admin-key': {
    type: 'string',
    value: 'key',
    description: 'the admin key (env VOXGATE_ADMIN_KEY, preferred: arguments are visible to other users in `ps`)',
  },
  json: { type: 'boolean', description: "print the gateway's JSON answer unchanged instead of tables" },
  help: { type: 'boolean', description: 'help for voxgate, a group or a command (also -h)' },
} as const satisfies Record<string, OptionSpec>;

/** What the command line asks for, before anything is sent. */
export interface CommandLine {
  /** `undefined`: no group named (top-level help). */
  readonly group: CommandGroup | undefined;
  /** `undefined`: no command named (the group's help). */
  readonly command: Command | undefined;
  /** `--help` / `-h` was given. */
  readonly help: boolean;
  readonly url: string | undefined;
  readonly adminKey: string | undefined;
  readonly json: boolean;
  /** Set when a command was named and its arguments parsed. */
  readonly input: CommandInput | undefined;
}

/**
 * Parses `argv` (without `node` and the script) with `util.parseArgs` in two passes: a lenient one that
 * finds the group and command words among the global options, then a strict one with the command's own
 * options, so an unknown option or a missing value is a `UsageError` naming it. With `--help`, argument
 * checks are skipped: help is always reachable, even from a half-typed command.
 */
export function parseCommandLine(argv: readonly string[], groups: readonly CommandGroup[]): CommandLine {
  const first = parseArgs({
    args: [...argv],
    options: parserOptions(GLOBAL_OPTIONS),
    strict: false,
    allowPositionals: true,
  });
  const [groupName, commandName] = first.positionals;
  const help = first.values.help === true;
  const globals = {
    url: stringValue(first.values.url),
    adminKey: stringValue(first.values['admin-key']),
    json: first.values.json === true,
  };
  if (groupName === undefined) return { group: undefined, command: undefined, help, input: undefined, ...globals };

  const group = groups.find((candidate) => candidate.name === groupName);
  if (!group) {
    const names = groups.map((candidate) => candidate.name).join(', ');
    throw new UsageError(`unknown command group '${groupName}' (one of: ${names})`);
  }
  if (commandName === undefined) return { group, command: undefined, help, input: undefined, ...globals };

  const command = group.commands.find((candidate) => candidate.name === commandName);
  if (!command) {
    const names = group.commands.map((candidate) => candidate.name).join(', ');
    throw new UsageError(
      `unknown command '${group.name} ${commandName}' (one of: ${names})`,
      `voxgate ${group.name} --help`,
    );
  }
  const commandLine = `voxgate ${group.name} ${command.name}`;
  if (help) return { group, command, help, input: undefined, ...globals };

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: parserOptions({ ...GLOBAL_OPTIONS, ...command.options }),
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), `${commandLine} --help`);
  }
  const values = parsed.values as Record<string, string | boolean | (string | boolean)[] | undefined>;
  const words = parsed.positionals.slice(2);
  const required = command.args.filter((name) => !name.endsWith('?'));
  if (words.length < required.length) {
    const missing = required.slice(words.length).map((name) => `<${name}>`);
    throw new UsageError(`missing ${missing.join(' ')}`, `${commandLine} --help`);
  }
  if (words.length > command.args.length) {
    throw new UsageError(`unexpected argument '${words[command.args.length]}'`, `${commandLine} --help`);
  }
  const positionals = Object.fromEntries(command.args.map((name, index) => [name.replace(/\?$/, ''), words[index]]));
  return { group, command, help, input: new CommandInput(positionals, values, commandLine), ...globals };
}

/** `OptionSpec`s as `util.parseArgs` takes them (`-h` is the one short option). */
function parserOptions(specs: Readonly<Record<string, OptionSpec>>): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [
      name,
      { type: spec.type, ...(spec.multiple ? { multiple: true } : {}), ...(name === 'help' ? { short: 'h' } : {}) },
    ]),
  );
}

function stringValue(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
