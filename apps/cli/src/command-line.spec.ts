import { UsageError } from './cli.errors';
import type { Command, CommandGroup } from './command';
import { parseCommandLine } from './command-line';

const create: Command = {
  name: 'create',
  summary: 'create a key',
  args: ['tenant-id', 'name', 'note?'],
  options: {
    scope: { type: 'string', description: 'scope' },
    tag: { type: 'string', multiple: true, description: 'tag' },
  },
  help: [],
  run: () => Promise.resolve(),
};
const GROUPS: CommandGroup[] = [{ name: 'keys', summary: 'keys', commands: [create] }];

describe('parseCommandLine', () => {
  it('reads global options before, between and after the command words, and the command options', () => {
    const line = parseCommandLine(
      [
        '--url',
        'http://gw:8080',
        'keys',
        '--json',
        'create',
        'ten_1',
        'app',
        '--scope',
        'billing',
        '--tag=a',
        '--tag',
        'b',
      ],
      GROUPS,
    );
    expect(line).toMatchObject({ url: 'http://gw:8080', json: true, help: false, command: create });
    expect(line.input?.arg('tenant-id')).toBe('ten_1');
    expect(line.input?.arg('name')).toBe('app');
    expect(line.input?.optionalArg('note')).toBeUndefined();
    expect(line.input?.string('scope')).toBe('billing');
    expect(line.input?.strings('tag')).toEqual(['a', 'b']);
  });

  it('stops at the level named: no group, a group, a command; --help and -h skip the argument checks', () => {
    expect(parseCommandLine([], GROUPS)).toMatchObject({ group: undefined, help: false });
    expect(parseCommandLine(['keys'], GROUPS)).toMatchObject({ group: GROUPS[0], command: undefined });
    expect(parseCommandLine(['keys', 'create', '-h'], GROUPS)).toMatchObject({
      command: create,
      help: true,
      input: undefined,
    });
    expect(parseCommandLine(['keys', 'create', '--nope', '--help'], GROUPS)).toMatchObject({ help: true });
  });

  it.each([
    [['key', 'create'], "unknown command group 'key' (one of: keys)", 'voxgate --help'],
    [['keys', 'make'], "unknown command 'keys make' (one of: create)", 'voxgate keys --help'],
    [['keys', 'create', 'ten_1'], 'missing <name>', 'voxgate keys create --help'],
    [['keys', 'create', 'a', 'b', 'c', 'd'], "unexpected argument 'd'", 'voxgate keys create --help'],
    [
      ['keys', 'create', 'a', 'b', '--scope'],
      "Option '--scope <value>' argument missing",
      'voxgate keys create --help',
    ],
  ])('%j is a usage error: %s', (argv, message, helpHint) => {
    let error: unknown;
    try {
      parseCommandLine(argv, GROUPS);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ message: expect.stringContaining(message), helpHint, exitCode: 2 });
  });
});
