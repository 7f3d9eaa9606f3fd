// The WebSocket door without sockets: options checked at start-up, misuse
// named at the call, and what inject() and toFetchHandler do with an upgrade.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OptionError, serveGeneric, toFetchHandler, type DispatchFn } from 'wirecore';
import { inject } from 'wirecore/testing';

const upgrade: DispatchFn<null> = (_ctx, _req, res) => res.upgrade({ who: 'inject' });
const handshake = { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' };

describe('the WebSocket door', () => {
  it('inject() answers a handshake with its 101 (or its refusal) and then ends: handlers never run there', async () => {
    let opened = false;
    const r = await inject(null, upgrade, { url: '/ws', headers: handshake }, { websocket: { open: () => void (opened = true) } });
    expect(r.status).toBe(101);
    expect(r.headers.get('sec-websocket-accept')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(opened).toBe(false);
    const refused = await inject(null, upgrade, { url: '/ws', headers: { ...handshake, 'sec-websocket-version': '7' } });
    expect(refused.status).toBe(426);
    expect(refused.headers.get('sec-websocket-version')).toBe('13');
  });

  it('a protocol the client did not offer is a usage error (500, logged)', async () => {
    const errors: unknown[] = [];
    const r = await inject(null, (_c, _q, res) => res.upgrade(null, { protocol: 'nope' }), { url: '/ws', headers: { ...handshake, 'sec-websocket-protocol': 'a, b' } }, { logger: { error: (_m, e) => errors.push(e), warn: () => {} } });
    expect(r.status).toBe(500);
    expect(String(errors[0])).toMatch(/protocol "nope" was not offered \(the client offered "a", "b"\)/);
  });

  it('toFetchHandler says a fetch platform upgrades through its own API', async () => {
    const errors: unknown[] = [];
    const handler = toFetchHandler(null, upgrade, { logger: { error: (_m, e) => errors.push(e), warn: () => {} } });
    const response = await handler(new Request('http://x/ws', { headers: handshake }));
    expect(response.status).toBe(500);
    expect(String(errors[0])).toMatch(/not available behind toFetchHandler/);
  });

  it('checks the websocket options at start-up', async () => {
    await expect(serveGeneric(null, upgrade, { websocket: { maxPayloadByte: 5 } as never })).rejects.toThrow(/unknown option 'websocket.maxPayloadByte' \(did you mean 'maxPayloadBytes'\?\)/);
    await expect(serveGeneric(null, upgrade, { websocket: { idleTimeoutMs: -1 } })).rejects.toThrow(OptionError);
    await expect(serveGeneric(null, upgrade, { websocket: { message: 'echo' as never } })).rejects.toThrow(/websocket.message must be a function/);
    await expect(serveGeneric(null, upgrade, { websocket: { pubsub: {} as never } })).rejects.toThrow(/pub\/sub adapter/);
  });

  it('redisPubSub without ioredis installed is an OptionError naming it', () => {
    // A preload that makes ioredis unresolvable, as on a machine without it.
    const dir = mkdtempSync(join(tmpdir(), 'wirecore-no-ioredis-'));
    const hide = join(dir, 'hide.cjs');
    writeFileSync(hide, "const M = require('module'); const r = M._resolveFilename; M._resolveFilename = function (id, ...a) { if (id === 'ioredis') throw Object.assign(new Error('Cannot find module ioredis'), { code: 'MODULE_NOT_FOUND' }); return r.call(this, id, ...a); };");
    const index = new URL('../dist/src/index.js', import.meta.url).href;
    const run = spawnSync(process.execPath, ['-r', hide, '--input-type=module', '-e', `import { redisPubSub } from '${index}'; try { redisPubSub(); } catch (e) { console.log(e.name, e.message); }`], { encoding: 'utf8' });
    expect(run.stdout.trim()).toBe('OptionError wirecore: redisPubSub needs ioredis, an optional peer dependency: npm install ioredis');
  });
});
