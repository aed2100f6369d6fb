import type { AdminClient } from './admin.client';
import { UsageError } from './cli.errors';
import type { CliIo } from './cli.io';
import type { Output } from './output';

/**
 * The contract of one CLI command (`voxgate <group> <name> …`). Commands are data plus one `run`: the
 * parser, the help screens and the dispatcher read the same declaration, so help can never disagree
 * with what is parsed.
 */
export interface Command {
  /** The word after the group, e.g. `create`. */
  readonly name: string;
  /** One line for the group's help, e.g. `create an API key for a tenant`. */
  readonly summary: string;
  /**
   * Positional arguments in order, as shown in the usage line. A name ending in `?` is optional (only the
   * last ones may be). E.g. `['tenant-id', 'name']`.
   */
  readonly args: readonly string[];
  /** Options of this command beyond the global ones, by long name (without `--`). */
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Paragraphs of the command's `--help` after the usage line: what it does, what to know. */
  readonly help: readonly string[];
  run(input: CommandInput, context: CommandContext): Promise<void>;
}

/** One `--option`, as `util.parseArgs` reads it plus what its help line says. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** May be given more than once (values collected in order). */
  readonly multiple?: boolean;
  /** Shown in help as `--name <value>`; defaults to `value`. */
  readonly value?: string;
  readonly description: string;
}

/** A group of commands (`tenants`, `keys`, …). */
export interface CommandGroup {
  readonly name: string;
  readonly summary: string;
  readonly commands: readonly Command[];
}

/** What a command runs with. */
export interface CommandContext {
  /** The admin API, authenticated. */
  readonly client: AdminClient;
  /** Where results go: JSON with `--json`, human text otherwise. */
  readonly output: Output;
  readonly io: CliIo;
}

type OptionValue = string | boolean | (string | boolean)[] | undefined;

/**
 * A command's parsed command line: positional arguments by name and option values, with typed accessors
 * that turn a bad value into a `UsageError` pointing at the command's help.
 */
export class CommandInput {
  constructor(
    private readonly positionals: Readonly<Record<string, string | undefined>>,
    private readonly values: Readonly<Record<string, OptionValue>>,
    /** `voxgate <group> <command>`, for messages. */
    readonly commandLine: string,
  ) {}

  /** A required positional argument (the parser has checked it is there). */
  arg(name: string): string {
    const value = this.positionals[name];
    if (value === undefined) throw this.usageError(`missing <${name}>`);
    return value;
  }

  optionalArg(name: string): string | undefined {
    return this.positionals[name];
  }

  string(name: string): string | undefined {
    const value = this.values[name];
    return typeof value === 'string' ? value : undefined;
  }

  strings(name: string): string[] {
    const value = this.values[name];
    if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
    return typeof value === 'string' ? [value] : [];
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  /** Whether `--name` was given at all. */
  has(name: string): boolean {
    return this.values[name] !== undefined;
  }

  usageError(message: string): UsageError {
    return new UsageError(message, `${this.commandLine} --help`);
  }
}
