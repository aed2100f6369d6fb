import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXPONENT_RULE, withFiniteNumbers } from './finite-numbers';

const GBNF_NUMBER = path.join(
  __dirname,
  '../../../../node_modules/node-llama-cpp/dist/utils/gbnfJson/terminals/GbnfNumber.js',
);

describe('withFiniteNumbers', () => {
  it("finds node-llama-cpp's exponent rule in the installed version and caps it at two digits", () => {
    // The rule as the installed node-llama-cpp writes it (GbnfNumber.getGrammar); ESM, so read, not imported.
    const source = readFileSync(GBNF_NUMBER, 'utf8');
    const exponent = /const exponent = '\s*(.*)';/.exec(source)?.[1];
    expect(exponent).toBe(EXPONENT_RULE);
    const grammar = `number ::= "-"? [0-9]+ ${EXPONENT_RULE}\nother ::= ${EXPONENT_RULE}`;
    const capped = withFiniteNumbers(grammar);
    expect(capped).not.toContain('{0,15}))?');
    expect(capped.match(/\[1-9\] \[0-9\]\?\)\)\?/g)).toHaveLength(2);
    expect(withFiniteNumbers('root ::= "yes"')).toBe('root ::= "yes"');
  });
});
