// Starts a server on port 0 for a test and closes it afterwards.
import { afterEach } from 'vitest';
import { serveGeneric, type DispatchFn, type RuntimeName, type ServeOptions, type Server } from 'wirecore';

const open: Server[] = [];

afterEach(async () => {
  const servers = open.splice(0);
  await Promise.all(servers.map((s) => s.close({ graceMs: 100 }).catch(() => {})));
});

export async function start<C>(runtime: RuntimeName, ctx: C, dispatch: DispatchFn<C>, options: ServeOptions<C> = {}): Promise<Server> {
  const quiet = { error: () => {}, warn: () => {} };
  const server = await serveGeneric(ctx, dispatch, { logger: quiet, ...options, runtime, port: 0 });
  open.push(server);
  return server;
}

/** Every runtime behind serveGeneric; the wire suite runs against each. */
export const RUNTIMES: RuntimeName[] = ['net', 'uws', 'node-http'];
