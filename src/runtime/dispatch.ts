// Runs one dispatch and turns every way it can end into an answer: the
// same rules for every runtime.
import { WireError } from '../errors.js';
import type { ResponseWriter, WireRequest } from '../types.js';
import type { ServerCore } from './core.js';

/** One request being answered, as a runtime sees it. */
export interface DispatchSite {
  readonly req: WireRequest;
  readonly writer: ResponseWriter & { readonly done: boolean; fail(): void };
  /** The peer is gone: nothing more can be said. */
  readonly gone: boolean;
  /** Plain-text error answer; `close` ends the connection after it. */
  sendError(status: number, message: string, close: boolean): void;
  /** Drops the connection (the head is out, so no answer can follow). */
  destroy(): void;
}

export function runDispatch(core: ServerCore<unknown>, site: DispatchSite): void {
  core.inFlight++;
  let result: unknown;
  try {
    result = core.dispatch(core.ctx, site.req, site.writer);
  } catch (error) {
    dispatchFailed(core, site, error);
    return;
  }
  if (result !== null && typeof result === 'object' && typeof (result as Promise<unknown>).then === 'function') {
    (result as Promise<unknown>).then(
      () => dispatchSettled(core, site),
      (error: unknown) => dispatchFailed(core, site, error),
    );
  } else {
    dispatchSettled(core, site);
  }
}

function dispatchSettled(core: ServerCore<unknown>, site: DispatchSite): void {
  if (site.writer.headersSent || site.gone) return;
  core.options.logger.error(`dispatch settled without a response: ${site.req.method} ${site.req.target}`);
  site.sendError(500, 'Internal Server Error', false);
}

function dispatchFailed(core: ServerCore<unknown>, site: DispatchSite, error: unknown): void {
  if (site.gone) return;
  const { method, target } = site.req;
  const wire = error instanceof WireError ? error : null;
  if (!site.writer.headersSent) {
    if (wire === null || wire.status >= 500) core.options.logger.error(`dispatch failed: ${method} ${target}`, error);
    site.sendError(wire?.status ?? 500, wire?.message ?? 'Internal Server Error', wire?.closeConnection ?? false);
  } else if (!site.writer.done) {
    core.options.logger.error(`dispatch failed after the response head: ${method} ${target}`, error);
    site.writer.fail();
    site.destroy();
  } else {
    core.options.logger.error(`dispatch threw after its response: ${method} ${target}`, error);
  }
}

/** The body of an error answer: a reason for 4xx, nothing internal for 5xx. */
export function errorBody(status: number, message: string): string {
  return status >= 500 ? 'Internal Server Error\n' : message + '\n';
}
