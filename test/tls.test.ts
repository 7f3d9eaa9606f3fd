// TLS on every runtime (node:tls, node:https, uWS SSLApp) with a test-only
// self-signed certificate for 127.0.0.1 kept in test/fixtures.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { describe, expect, it } from 'vitest';
import { RUNTIMES, start } from './helpers/servers.js';

const key = readFileSync(new URL('./fixtures/tls-key.pem', import.meta.url));
const cert = readFileSync(new URL('./fixtures/tls-cert.pem', import.meta.url));

function get(url: string): Promise<{ status: number; body: string; protocol: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca: cert, agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, protocol: (res.socket as { getProtocol?: () => string }).getProtocol?.() ?? '' }));
    });
    req.on('error', reject);
  });
}

describe.each(RUNTIMES)('TLS on %s', (runtime) => {
  it('serves https with the given key and certificate', async () => {
    const server = await start(runtime, null, async (_c, req, res) => res.send({ body: `secure=${req.secure} ${req.path}` }), { tls: { key, cert } });
    expect(server.url.startsWith('https://127.0.0.1:')).toBe(true);
    const r = await get(`${server.url}/x`);
    expect(r).toMatchObject({ status: 200, body: 'secure=true /x' });
    expect(r.protocol).toMatch(/^TLSv1\.[23]$/);
  });
});
