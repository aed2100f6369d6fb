import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import type { RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import { Agent, fetch as undiciFetch } from 'undici';
import { FakeUpstream } from '@voxgate/testing';
import { validator } from './support/e2e-env';
import { GatewayProcess } from './support/gateway-process';
import { ALIAS, relayConfig, SNAPSHOT, UPSTREAM_KEY } from './support/relay-config';

/** A self-signed certificate for 127.0.0.1, made for this run with the openssl CLI. */
function selfSignedCertificate(): { dir: string; certFile: string; keyFile: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'voxgate-tls-'));
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { dir, certFile, keyFile };
}

const certificate = selfSignedCertificate();
afterAll(() => rmSync(certificate.dir, { recursive: true, force: true }));

describe('server.tls: HTTPS and wss:// served by the gateway', () => {
  const ca = readFileSync(certificate.certFile);
  const dispatcher = new Agent({ connect: { ca } });
  /** fetch trusting the test's certificate (undici's, with a dispatcher that has it as its CA). */
  const trustingFetch = ((url: string, init?: Record<string, unknown>) =>
    undiciFetch(url, { ...init, dispatcher })) as unknown as typeof fetch;
  let upstream: FakeUpstream;
  let gateway: GatewayProcess;
  let key = '';

  beforeAll(async () => {
    upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    gateway = await GatewayProcess.start({
      config: {
        ...relayConfig(upstream.baseUrl),
        server: { tls: { certFile: certificate.certFile, keyFile: certificate.keyFile } },
      },
    });
    const admin = async (pathName: string, body: unknown) => {
      const response = await trustingFetch(`${gateway.url}${pathName}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gateway.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return (await response.json()) as { id: string; key: string };
    };
    const tenant = await admin('/admin/tenants', { name: 'tls' });
    key = (await admin(`/admin/tenants/${tenant.id}/keys`, { name: 'tls key' })).key;
  });
  afterAll(async () => {
    await gateway?.stop();
    await upstream?.stop();
    await dispatcher.close();
  });
  afterEach(() => upstream.assertNoViolations());
  const env = () => ({ gateway, key });

  /** The official SDK trusting the test's certificate through its `fetch` option. */
  const trustingClient = (apiKey: string) =>
    new OpenAI({ apiKey, baseURL: `${gateway.url}/v1`, maxRetries: 0, fetch: trustingFetch });

  it('listens on https and answers the SDK over TLS', async () => {
    const { gateway, key } = env();
    expect(gateway.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const completion = await trustingClient(key).chat.completions.create({
      model: ALIAS,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(completion.model).toBe(SNAPSHOT);
    // Without trusting the certificate, the client refuses it: it really is TLS with this certificate.
    await expect(fetch(`${gateway.url}/healthz`)).rejects.toThrow();
  });

  it('OpenAIRealtimeWS with an https baseURL dials wss:// and gets a session, also with a client secret', async () => {
    const { key } = env();
    const client = trustingClient(key);
    const secret = await client.realtime.clientSecrets.create({ session: { type: 'realtime', model: ALIAS } });
    for (const credential of [key, secret.value]) {
      const rt = new OpenAIRealtimeWS({ model: ALIAS, options: { ca } }, trustingClient(credential));
      expect(rt.url.protocol).toBe('wss:');
      const created = await new Promise<RealtimeServerEvent>((resolve, reject) => {
        rt.on('session.created', resolve);
        rt.socket.once('error', reject);
      });
      expect(created.type).toBe('session.created');
      rt.close({ code: 1000, reason: 'done' });
    }
  });
});
