// wirecore/fetch: web-standard fetch(Request) → Response handlers (Hono,
// itty-router, …) on the wire layer, through its public door only.
import { serveGeneric, type DispatchFn, type ServeOptions, type Server } from 'wirecore';
import { lazyRequest } from './request.js';
import { installLightResponse } from './light-response.js';
import { writeResponse } from './write-response.js';
import { answerUpgrade, upgradeOf } from './upgrade.js';

export type FetchHandler = (request: Request) => Response | Promise<Response>;

export interface FetchAdapterOptions {
  /** How clients reach the server, for request.url. Default "http". */
  scheme?: 'http' | 'https';
}

/** A dispatch for serveGeneric that runs `fetchFn` for every request. */
export function toDispatch(fetchFn: FetchHandler, options: FetchAdapterOptions = {}): DispatchFn<unknown> {
  const scheme = options.scheme ?? 'http';
  return (_ctx, req, res) => {
    const request = lazyRequest(req, scheme);
    const answer = (response: Response) => {
      const intent = upgradeOf(request);
      return intent === undefined ? writeResponse(res, req, response) : answerUpgrade(res, req, intent, response);
    };
    // A handler that answers at once (Hono's sync routes do) is written in the same turn: no promise job in between.
    const result = fetchFn(request);
    return typeof (result as PromiseLike<Response>).then === 'function' ? Promise.resolve(result).then(answer) : answer(result as Response);
  };
}

export interface ServeFetchOptions extends Omit<ServeOptions<unknown>, 'tryStatic' | 'workers' | 'workerModule'> {
  /**
   * Replace the global Response with one that keeps string and byte bodies
   * as given, so they are sent without a stream round trip (what
   * @hono/node-server does). Default true.
   */
  overrideGlobalResponse?: boolean;
}

/** The one-liner: serve `fetchFn` with wirecore. */
export async function serveFetch(fetchFn: FetchHandler, options: ServeFetchOptions = {}): Promise<Server> {
  const { overrideGlobalResponse = true, ...serveOptions } = options;
  const restore = overrideGlobalResponse ? installLightResponse() : () => {};
  let server: Server;
  try {
    // SIGTERM and SIGINT drain the server and exit 0 unless `signals: false`.
    server = await serveGeneric(null, toDispatch(fetchFn, { scheme: options.tls ? 'https' : 'http' }), { signals: true, ...serveOptions });
  } catch (error) {
    restore();
    throw error;
  }
  // The global Response is the platform's again once the last server using LightResponse has closed.
  return Object.create(server, {
    close: {
      value: async (closeOptions?: { graceMs?: number }) => {
        try {
          await server.close(closeOptions);
        } finally {
          restore();
        }
      },
    },
  }) as Server;
}

export { LightResponse, installLightResponse } from './light-response.js';
export { honoRoute, setRoute } from './route.js';
export { upgrade, type FetchUpgradeOptions } from './upgrade.js';
