import type { BuiltinImplementation, BuiltinModuleName } from '../registry/tool-definition';
import type { BuiltinOperation } from './builtin-operation';

/** Every operation of every built-in module, by module then operation name. */
export type BuiltinCatalogue = { readonly [M in BuiltinModuleName]: Readonly<Record<string, BuiltinOperation>> };

export function builtinOperationOf(
  catalogue: BuiltinCatalogue,
  implementation: BuiltinImplementation,
): BuiltinOperation {
  const operation = catalogue[implementation.module][implementation.operation];
  if (!operation) throw new Error(`built-in ${implementation.module}.${implementation.operation} is not wired`);
  return operation;
}
