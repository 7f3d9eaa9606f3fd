// Debian's HAProxy in front of two wirecore processes, as in production:
// send-proxy-v2 to the backends, health checks on /readyz (LOCAL PROXY
// headers), and each backend in turn sent SIGTERM and started again under
// steady load. The client sees no failed request and no reset, and every
// answer names the client's own address and port, not HAProxy's.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { freePort } from './helpers/free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startProcess, type ProcessServer } from './helpers/process-server.js';
import { needTool, onPath } from './helpers/system-tool.js';

const HAPROXY = onPath('haproxy');
const dirs: string[] = [];
const haproxies: ChildProcess[] = [];
afterAll(() => {
  for (const p of haproxies) p.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});


function haproxyConfig(frontend: number, backends: Record<string, number>): string {
  return `global
  maxconn 512
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  timeout check 2s
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response response-timeout
frontend web
  bind 127.0.0.1:${frontend}
  default_backend app
backend app
  balance roundrobin
  option httpchk
  http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host localhost
  http-check expect status 200
  default-server send-proxy-v2 check check-send-proxy inter 100ms fall 1 rise 2
${Object.entries(backends)
  .map(([name, port]) => `  server ${name} 127.0.0.1:${port}`)
  .join('\n')}
`;
}

interface Answer {
  name: string;
  pid: number;
  remoteAddress: string;
  remotePort: number;
}

/** `concurrency` keep-alive loops through HAProxy; each answer is checked against the client's own socket. */
function steadyLoad(port: number, concurrency: number, portsKnown: boolean) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let running = true;
  const failures: string[] = [];
  const resets: string[] = [];
  const wrongPeer: string[] = [];
  const seen: Answer[] = [];
  let waiters: Array<{ test: (a: Answer) => boolean; resolve: () => void }> = [];
  const once = () =>
    new Promise<void>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/who', agent }, (res) => {
        const localPort = res.socket.localPort;
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => {
          if (res.statusCode !== 200) failures.push(`status ${res.statusCode}: ${body}`);
          else {
            const answer = JSON.parse(body) as Answer;
            seen.push(answer);
            if (answer.remoteAddress !== '127.0.0.1' || answer.remotePort !== (portsKnown ? localPort : 0)) wrongPeer.push(`${answer.remoteAddress}:${answer.remotePort} for local ${localPort}`);
            waiters = waiters.filter((w) => (w.test(answer) ? (w.resolve(), false) : true));
          }
          resolve();
        });
      });
      req.on('error', (e: NodeJS.ErrnoException) => {
        (e.code === 'ECONNRESET' ? resets : failures).push(e.message);
        resolve();
      });
    });
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) await once();
  });
  return {
    /** Resolves once an answer passes `test`. */
    until: (test: (a: Answer) => boolean) => new Promise<void>((resolve) => waiters.push({ test, resolve })),
    stop: async () => {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return { failures, resets, wrongPeer, seen };
    },
  };
}

describe.runIf(needTool('haproxy', HAPROXY !== null))('behind HAProxy (send-proxy-v2, /readyz checks)', () => {
  it.each(['net', 'node-http', 'uws'] as const)('%s: each backend drained by SIGTERM and restarted under load: 0 failed, 0 resets, the client\'s address', { timeout: 180_000 }, async (runtime) => {
    const ports = { a: await freePort(), b: await freePort() };
    const frontend = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'wirecore-haproxy-'));
    dirs.push(dir);
    const config = join(dir, 'haproxy.cfg');
    writeFileSync(config, haproxyConfig(frontend, ports));
    const backend = (name: 'a' | 'b') =>
      startProcess({ runtime, port: ports[name], proxyProtocol: { from: ['loopback'] }, signals: { graceMs: 10_000 } }, { WIRECORE_NAME: name });
    const backends: Record<string, ProcessServer> = { a: backend('a'), b: backend('b') };
    await Promise.all(Object.values(backends).map((b) => b.ready));
    const haproxy = spawn(HAPROXY!, ['-f', config, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
    haproxies.push(haproxy);
    let haproxyLog = '';
    haproxy.stderr!.on('data', (c: Buffer) => (haproxyLog += c.toString()));

    // HAProxy is up once both backends have answered through it (it retries while they are still being checked).
    // uWS reads the PROXY header itself and hands over the address only (remotePort 0 there).
    const portsKnown = runtime !== 'uws';
    const warmup = steadyLoad(frontend, 2, portsKnown);
    await Promise.all(['a', 'b'].map((name) => warmup.until((a) => a.name === name)));
    await warmup.stop();

    const load = steadyLoad(frontend, 4, portsKnown);
    for (const name of ['a', 'b'] as const) {
      const old = backends[name]!;
      const oldPid = old.child.pid;
      old.child.kill('SIGTERM');
      expect(await old.exited, old.output()).toEqual({ code: 0, signal: null });
      backends[name] = backend(name);
      await backends[name]!.ready;
      // Back in rotation: HAProxy's checks passed and it sends the new process requests.
      await load.until((a) => a.name === name && a.pid !== oldPid);
    }
    const result = await load.stop();
    for (const b of Object.values(backends)) b.child.kill('SIGTERM');
    await Promise.all(Object.values(backends).map((b) => b.exited));
    haproxy.kill('SIGTERM');

    expect(result.failures, haproxyLog).toEqual([]);
    expect(result.resets).toEqual([]);
    expect(result.wrongPeer).toEqual([]);
    expect(result.seen.length).toBeGreaterThan(0);
  });
});
