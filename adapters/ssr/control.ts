// notFound() and redirect(): thrown from load() (or an endpoint) to change the answer.
// Recognised by a global symbol, not instanceof, so a page bundle that loaded
// another copy of wirecore/ssr still speaks the same language.
import { redirectLocation, type RedirectOptions } from 'wirecore';

export type { RedirectOptions } from 'wirecore';

const NOT_FOUND = Symbol.for('wirecore.ssr.notFound');
const REDIRECT = Symbol.for('wirecore.ssr.redirect');

export type RedirectStatus = 301 | 302 | 303 | 307 | 308;
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

export interface NotFoundSignal extends Error {
  readonly [NOT_FOUND]: true;
}

export interface RedirectSignal extends Error {
  readonly [REDIRECT]: true;
  readonly location: string;
  readonly status: RedirectStatus;
}

/** Answer with the site's 404 page. */
export function notFound(): never {
  const error = new Error('notFound()') as Error & { [NOT_FOUND]: true };
  error[NOT_FOUND] = true;
  throw error;
}

/**
 * Answer with a redirect to `location` (302 unless told). Only relative, http and https locations, unless
 * `options.schemes` names more: after the head a redirect is a link, and "javascript:" in it would run script.
 * Any other scheme throws a TypeError at the call, so it is refused before and after the head alike.
 */
export function redirect(location: string, status: RedirectStatus = 302, options: RedirectOptions = {}): never {
  if (!REDIRECT_STATUSES.has(status)) throw new TypeError(`redirect(): ${status} is not a redirect status (301, 302, 303, 307, 308)`);
  redirectLocation(location, options);
  const error = new Error(`redirect(${location}, ${status})`) as Error & { [REDIRECT]: true; location: string; status: RedirectStatus };
  error[REDIRECT] = true;
  error.location = location;
  error.status = status;
  throw error;
}

export function isNotFound(error: unknown): error is NotFoundSignal {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[NOT_FOUND] === true;
}

export function isRedirect(error: unknown): error is RedirectSignal {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[REDIRECT] === true;
}
