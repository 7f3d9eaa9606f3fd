// Redirect locations: relative, http and https by default. A browser follows
// a Location (or a link) with any scheme, so a redirect to user input with
// "javascript:" or "data:" would run script; other schemes must be named.
// Shared by the consumers' redirect helpers (wirecore/app, wirecore/ssr).

export interface RedirectOptions {
  /** More schemes to allow, without the colon ("mailto", "myapp"). Default: only http, https and relative locations. */
  schemes?: readonly string[];
}

/** Returns `location`; throws a TypeError when it is empty, has control characters, or has a scheme not allowed. */
export function redirectLocation(location: string, options: RedirectOptions = {}): string {
  if (typeof location !== 'string' || location === '' || /[\0-\x1f\x7f]/.test(location)) {
    throw new TypeError(`redirect(): the location ${JSON.stringify(location)} is empty or has control characters`);
  }
  // The scheme a browser would read (leading spaces dropped, case folded), not a prefix test.
  let scheme: string;
  try {
    scheme = new URL(location, 'http://relative.invalid/').protocol.slice(0, -1);
  } catch {
    throw new TypeError(`redirect(): the location ${JSON.stringify(location)} is not a URL`);
  }
  if (scheme !== 'http' && scheme !== 'https' && !(options.schemes ?? []).some((s) => s.toLowerCase() === scheme)) {
    throw new TypeError(`redirect(): the location ${JSON.stringify(location)} has the scheme "${scheme}:"; only relative, http and https locations are allowed unless listed in { schemes }`);
  }
  return location;
}
