// What each worker process runs: import the app module, serve it on the
// shared port, report ready, close when told.
import cluster from 'node:cluster';
import { serveGeneric } from '../serve.js';
import type { DispatchFn, ServeOptions } from '../types.js';
import type { WorkerMessage, WorkerSetup } from './workers.js';

interface AppModule {
  ctx?: unknown;
  dispatch?: DispatchFn<unknown>;
  options?: ServeOptions<unknown>;
}

const setup: WorkerSetup = JSON.parse(process.env.WIRECORE_WORKER ?? '{}');
const send = (message: WorkerMessage) => process.send?.(message);

// The primary reloads on SIGHUP; a hangup that reaches the whole process group must not end the copies.
if (setup.options.signals) process.on('SIGHUP', () => {});

const app = (await import(setup.module)) as AppModule;
if (typeof app.dispatch !== 'function') throw new Error(`wirecore worker: ${setup.module} does not export a dispatch function`);
const server = await serveGeneric(app.ctx, app.dispatch, { ...app.options, ...setup.options, workers: undefined, workerModule: undefined });
send({ type: 'ready', port: server.port, id: cluster.worker?.id ?? 0 });
const reportStats = setInterval(() => send({ type: 'stats', ...server.stats }), 1000);
reportStats.unref();

const onMessage = async (message: { type?: string; graceMs?: number }) => {
  // The primary answers 'closed' with 'exit' once it has read it: connections node:cluster handed this copy
  // before it heard the copy stop accepting have then been offered here (and passed on), not lost with the process.
  if (message?.type === 'exit') process.exit(0);
  if (message?.type !== 'close') return;
  await server.close({ graceMs: message.graceMs ?? 5000 });
  send({ type: 'closed' });
};
process.on('message', onMessage);
process.on('disconnect', () => process.exit(0));
