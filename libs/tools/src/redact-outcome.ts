import { SecretRedactor } from '@voxgate/config';
import type { ToolOutcome } from './tool-module';

/**
 * A remote tool's outcome with the tool's own secret header values taken out. The outcome goes to the
 * model, and from there it may reach the client word for word, so a server that echoes the headers it
 * received (its token included) must not hand its secret to a tenant. Only outcomes that contain a
 * secret are rebuilt.
 */
export function redactOutcome(outcome: ToolOutcome, headers: Readonly<Record<string, string>>): ToolOutcome {
  const secrets = Object.values(headers);
  if (secrets.length === 0) return outcome;
  const text = JSON.stringify(outcome);
  const redacted = new SecretRedactor(secrets).redact(text);
  return redacted === text ? outcome : (JSON.parse(redacted) as ToolOutcome);
}
