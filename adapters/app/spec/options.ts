// What fromSpec takes: one handler per operation, and how the spec's
// security schemes verify.
import type { AnyContext } from '../context.js';
import type { AppOptions } from '../app.js';
import type { BodyParser } from '../body.js';
import type { SchemeVerification } from '../security/index.js';

/** A handler of a spec-first app: the context's parts are checked against the spec at run time. */
export type SpecHandler<State = unknown> = (c: AnyContext<State>) => unknown;

export interface SpecOptions<State> extends Omit<AppOptions<State>, 'security'> {
  /** One handler per operation, by operationId (or "METHOD /path/{template}" for an operation without one). */
  handlers: Readonly<Record<string, SpecHandler<State>>>;
  /** How each of the spec's security schemes verifies: jwt / verify for bearer and OAuth 2, keys / verify for API keys, users / verify for basic. */
  security?: Readonly<Record<string, SchemeVerification>>;
  /** Reload the file when it changes (development): the route table is swapped atomically; a broken edit keeps the old one. */
  watch?: boolean;
  /** Parsers for media types the spec's bodies use beyond JSON, text, forms and bytes (XML…). */
  bodyParsers?: Readonly<Record<string, BodyParser>>;
  /** Called after every reload the watcher starts: null when it took, else the error (the old table stays). */
  onReload?: (error: Error | null) => void;
}
