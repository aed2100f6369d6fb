import { providerSecrets, REDACTED, SecretRedactor } from './secret-redactor';

describe('SecretRedactor', () => {
  const key = 'sk-proj-AbCdEf0123456789/+=xyz';
  const redactor = new SecretRedactor([key, 'hdr-secret-value-42', 'short']);

  it('replaces a configured secret wherever it appears, as written and as an echoing server encodes it', () => {
    for (const form of [
      key,
      encodeURIComponent(key),
      JSON.stringify(key).slice(1, -1),
      Buffer.from(key).toString('base64').replace(/=+$/, ''),
    ]) {
      expect(redactor.redact(`you sent "${form}" twice: ${form}`)).toBe(`you sent "${REDACTED}" twice: ${REDACTED}`);
    }
    expect(redactor.redact('x-custom: hdr-secret-value-42;')).toBe(`x-custom: ${REDACTED};`);
  });

  it('leaves values too short to be credentials alone, and text without secrets untouched', () => {
    expect(redactor.redact('a short answer')).toBe('a short answer');
    expect(redactor.redact('nothing to see')).toBe('nothing to see');
  });

  it('redacts credential-shaped tokens it was never told about', () => {
    expect(redactor.redact('Authorization: Bearer abcdefgh12345678')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactor.redact('basic dXNlcjpwYXNzd29yZA==')).toBe(`basic ${REDACTED}`);
    expect(redactor.redact('key sk-live-0123456789abcdef0123 leaked')).toBe(`key ${REDACTED} leaked`);
    expect(new SecretRedactor([]).redact('Bearer zzzzzzzzzzzz')).toBe(`Bearer ${REDACTED}`);
  });

  it("takes a provider's key, header values and credential-named query values, not its api-version", () => {
    expect(
      providerSecrets({
        apiKey: 'k-1234567890',
        headers: { 'OpenAI-Organization': 'org-123456789' },
        query: { 'api-version': '2024-10-21', sig: 'sig-abcdefghij' },
      }),
    ).toEqual(['k-1234567890', 'org-123456789', 'sig-abcdefghij']);
  });
});
