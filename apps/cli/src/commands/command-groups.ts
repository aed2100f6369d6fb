import type { CommandGroup } from '../command';
import { keysCommands } from './keys.commands';
import { quotasCommands } from './quotas.commands';
import { tenantsCommands } from './tenants.commands';
import { toolsCommands } from './tools.commands';
import { usageCommands } from './usage.commands';

/** Every command group, in the order `voxgate --help` lists them. */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  tenantsCommands,
  keysCommands,
  quotasCommands,
  toolsCommands,
  usageCommands,
];
