import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type GatewayUnderTest, startGatewayUnderTest } from '../openapi/__fixtures__/gateway-under-test';
import { PLAYGROUND_CSP } from './playground.routes';

const ASSETS = path.join(__dirname, 'assets');

describe('the playground routes (server.playground: true, the default)', () => {
  let gateway: GatewayUnderTest;
  beforeAll(async () => (gateway = await startGatewayUnderTest()));
  afterAll(() => gateway.close());

  it('serves the page without a key under a same-origin CSP, with no inline script or style', async () => {
    const page = await gateway.app.inject({ method: 'GET', url: '/playground' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(PLAYGROUND_CSP);
    expect(PLAYGROUND_CSP).not.toMatch(/unsafe|https?:|\*|data:/);
    expect(PLAYGROUND_CSP).toContain("script-src 'self'");
    expect(PLAYGROUND_CSP).toContain("connect-src 'self'");
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['permissions-policy']).toBe('microphone=(self)');
    expect(page.rawPayload.equals(readFileSync(path.join(ASSETS, 'index.html')))).toBe(true);
    // Relative URLs only (a gateway behind a path prefix works), all of them served by the gateway.
    const urls = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(urls).toEqual(['playground/assets/playground.css', 'playground/assets/playground.js']);
    expect(page.body).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>|<style|style="|\son[a-z]+="/);
  });

  it('serves every asset with its type, the same headers and a strong ETag that revalidates to 304', async () => {
    const files = readdirSync(ASSETS).filter((file) => file !== 'index.html');
    expect(files.sort()).toEqual(['pcm-worklet.js', 'playground.css', 'playground.js', 'realtime-audio.js']);
    for (const file of files) {
      const asset = await gateway.app.inject({ method: 'GET', url: `/playground/assets/${file}` });
      const type = file.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
      expect([file, asset.statusCode, asset.headers['content-type']]).toEqual([file, 200, type]);
      expect(asset.headers['content-security-policy']).toBe(PLAYGROUND_CSP);
      expect(asset.headers['cache-control']).toBe('no-cache');
      expect(asset.rawPayload.equals(readFileSync(path.join(ASSETS, file)))).toBe(true);
      const etag = asset.headers.etag as string;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
      const again = await gateway.app.inject({
        method: 'GET',
        url: `/playground/assets/${file}`,
        headers: { 'if-none-match': etag },
      });
      expect([file, again.statusCode, again.body]).toEqual([file, 304, '']);
      const stale = await gateway.app.inject({
        method: 'GET',
        url: `/playground/assets/${file}`,
        headers: { 'if-none-match': '"other"' },
      });
      expect([file, stale.statusCode]).toEqual([file, 200]);
    }
  });

  it('answers any other file name with the usual JSON 404', async () => {
    for (const file of ['index.html', 'playground.routes.ts', '..%2Fplayground.routes.ts', 'toString', 'x.js']) {
      const response = await gateway.app.inject({ method: 'GET', url: `/playground/assets/${file}` });
      expect([file, response.statusCode]).toEqual([file, 404]);
      expect(response.json()).toMatchObject({ error: { code: 'unknown_url', type: 'invalid_request_error' } });
    }
  });
});

describe('the playground routes with server.playground: false', () => {
  let gateway: GatewayUnderTest;
  beforeAll(async () => (gateway = await startGatewayUnderTest({ playground: false })));
  afterAll(() => gateway.close());

  it('are not served: the page and its assets are the usual JSON 404', async () => {
    for (const url of ['/playground', '/playground/assets/playground.js']) {
      const response = await gateway.app.inject({ method: 'GET', url });
      expect([url, response.statusCode]).toEqual([url, 404]);
      expect(response.json()).toMatchObject({ error: { code: 'unknown_url' } });
    }
  });
});
