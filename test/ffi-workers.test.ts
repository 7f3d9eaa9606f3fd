// A crash in native code ends its process: with `workers`, the other copies
// keep answering and the crashed one is replaced. The server runs the compiled
// build in a process of its own, since its copies are node:cluster processes.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExample, until, type ExampleLibrary } from './helpers/ffi.js';

let lib: ExampleLibrary;

beforeAll(() => {
  lib = buildExample();
});

afterAll(() => lib.remove());

function get(port: number, path: string): Promise<{ status: number; body: string } | 'failed'> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve('failed'));
    });
    req.on('error', () => resolve('failed'));
  });
}

function serve(library: string): Promise<{ port: number; output: () => string; child: ChildProcess }> {
  const script = fileURLToPath(new URL('./fixtures/ffi/serve-workers.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, library], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
      const ready = /READY (\d+)/.exec(output);
      if (ready) resolve({ port: Number(ready[1]), output: () => output, child });
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}): ${output}`)));
  });
}

describe('native crashes with workers', () => {
  it('a crashing handler takes down one copy; the others answer and a new copy starts', async () => {
    const server = await serve(lib.path);
    try {
      expect(await get(server.port, '/')).toEqual({ status: 200, body: 'ok' });
      expect(await get(server.port, '/crash')).toBe('failed');
      for (let i = 0; i < 10; i++) expect(await get(server.port, '/')).toEqual({ status: 200, body: 'ok' });
      await until(() => server.output().includes('starting another'), 'the primary to replace the copy', 10_000);
    } finally {
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      server.child.kill('SIGTERM');
      await exited;
    }
  });
});
