import type { Command, CommandGroup, OptionSpec } from './command';
import { GLOBAL_OPTIONS } from './command-line';

/** The help screens, rendered from the same declarations the parser reads. */

/** Help paragraphs are wrapped to this many columns. */
const HELP_WIDTH = 100;

export function topHelp(groups: readonly CommandGroup[]): string {
  return [
    'Usage: voxgate <group> <command> [arguments] [options]',
    '',
    "Admin CLI for a Voxgate gateway: tenants, keys, quotas, server tools and usage over the gateway's /admin API.",
    '',
    'Groups:',
    ...columns(groups.map((group) => [group.name, group.summary])),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Exit status: 0 done; 1 the gateway refused (its message is printed) or could not be reached; 2 bad usage.',
    'Run `voxgate <group> --help` for the commands of a group.',
    '',
  ].join('\n');
}

export function groupHelp(group: CommandGroup): string {
  return [
    `Usage: voxgate ${group.name} <command> [arguments] [options]`,
    '',
    `${capitalise(group.summary)}.`,
    '',
    'Commands:',
    ...columns(group.commands.map((command) => [usageWords(command), command.summary])),
    '',
    `Run \`voxgate ${group.name} <command> --help\` for a command's options; \`voxgate --help\` for the global ones.`,
    '',
  ].join('\n');
}

export function commandHelp(group: CommandGroup, command: Command): string {
  const hasOptions = Object.keys(command.options).length > 0;
  return [
    `Usage: voxgate ${group.name} ${usageWords(command)}${hasOptions ? ' [options]' : ''}`,
    '',
    ...command.help.flatMap((paragraph) => [
      ...(paragraph.startsWith('Example: ') ? [paragraph] : wrap(paragraph, HELP_WIDTH)),
      '',
    ]),
    ...(hasOptions ? ['Options:', ...optionLines(command.options), ''] : []),
    'Global options: --url, --admin-key, --json, --help (see `voxgate --help`).',
    '',
  ].join('\n');
}

/** `create <tenant-id> <name> [<scope>]` */
function usageWords(command: Command): string {
  const args = command.args.map((name) => (name.endsWith('?') ? `[<${name.slice(0, -1)}>]` : `<${name}>`));
  return [command.name, ...args].join(' ');
}

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  return columns(
    Object.entries(options).map(([name, spec]) => [
      spec.type === 'string' ? `--${name} <${spec.value ?? 'value'}>` : `--${name}`,
      spec.multiple ? `${spec.description} (repeatable)` : spec.description,
    ]),
  );
}

/** Two columns, the first padded to its widest entry, indented by two spaces. */
function columns(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}   ${right}`);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Splits a paragraph at spaces into lines of at most `width` characters (a longer word stays whole). */
export function wrap(paragraph: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of paragraph.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}
