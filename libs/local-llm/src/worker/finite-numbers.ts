/**
 * node-llama-cpp's JSON grammar lets a number's exponent have up to 16 digits, so a model (a random one
 * readily) can write `3e9999999`: valid JSON text that every JSON parser reads as Infinity, which no
 * `number`/`integer` schema accepts. Capping the exponent at two digits keeps every number finite
 * (|x| < 1e116) and changes nothing a real model writes. Returns the grammar unchanged when the rule is
 * not there (a node-llama-cpp upgrade changed it: `finite-numbers.spec.ts` fails then).
 */
export const EXPONENT_RULE = '([eE] [-+]? ("0" | [1-9] [0-9]{0,15}))?';
const FINITE_EXPONENT_RULE = '([eE] [-+]? ("0" | [1-9] [0-9]?))?';

export function withFiniteNumbers(gbnf: string): string {
  return gbnf.split(EXPONENT_RULE).join(FINITE_EXPONENT_RULE);
}
