import { InternalCaller } from './internal-caller';

describe('InternalCaller', () => {
  it('recognises its own headers and names the key', () => {
    const caller = new InternalCaller();
    expect(caller.keyIdOf(caller.headersFor('key_1'))).toBe('key_1');
  });

  it('ignores ordinary requests', () => {
    expect(new InternalCaller().keyIdOf({ authorization: 'Bearer sk-vg-x' })).toBeNull();
  });

  it("refuses another process's secret, a forged one, and a missing key id with a 401", () => {
    const caller = new InternalCaller();
    const other = new InternalCaller().headersFor('key_1');
    const forged = { ...caller.headersFor('key_1'), 'x-voxgate-internal-auth': 'AAAA' };
    const { 'x-voxgate-internal-key-id': _keyId, ...keyless } = caller.headersFor('key_1');
    for (const headers of [other, forged, keyless]) {
      let thrown: unknown;
      try {
        caller.keyIdOf(headers);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ status: 401, code: 'invalid_api_key' });
    }
  });
});
