// Request body parsers, chosen by media type: JSON, text, urlencoded forms
// and raw bytes built in; anything else is a 415.
import { parse as parseQueryString } from 'node:querystring';
import type { WireRequest } from 'wirecore';
import secureJson from 'secure-json-parse';
import { BadRequest } from './errors.js';

// secure-json-parse's message for a poisoning key (a SyntaxError like a malformed text's).
const POISONED = 'Object contains forbidden prototype property';

/** Reads and decodes a request body of one media type. */
export type BodyParser = (req: WireRequest, mediaType: string) => Promise<unknown>;

/** "Application/JSON; charset=utf-8" → "application/json". */
export function mediaTypeOf(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

/**
 * JSON.parse that answers 400 on malformed text and on prototype-poisoning keys
 * (`__proto__`, `constructor.prototype`), escaped or not: secure-json-parse
 * checks the parsed object, so `"\\u005f_proto__"` is caught as well.
 */
export function parseJsonText(text: string): unknown {
  if (text === '') return undefined;
  try {
    return secureJson.parse(text, null, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    if ((error as Error).message === POISONED) throw new BadRequest(`JSON body has a forbidden "${poisonedKey(text)}" key`);
    throw new BadRequest(`Malformed JSON body: ${(error as Error).message}`);
  }
}

/** Which key secure-json-parse refused (asked again only on this refusal path). */
function poisonedKey(text: string): string {
  try {
    secureJson.parse(text, null, { protoAction: 'error', constructorAction: 'ignore' });
    return 'constructor.prototype';
  } catch {
    return '__proto__';
  }
}

export const parseJson: BodyParser = (req) => req.body.text().then(parseJsonText);
export const parseText: BodyParser = (req) => req.body.text();
export const parseForm: BodyParser = async (req) => {
  const fields = parseQueryString(await req.body.text());
  // `__proto__=a&__proto__=b` would be an own "__proto__" holding an array, which a naive merge walks into Object.prototype.
  if (Object.hasOwn(fields, '__proto__')) throw new BadRequest('Form body has a forbidden "__proto__" field');
  return { ...fields };
};
export const parseBytes: BodyParser = (req) => req.body.bytes();

interface Resolved {
  readonly mediaType: string;
  readonly parser: BodyParser | undefined;
}

// Clients send the same few Content-Type values: what was resolved is remembered (bounded).
const RESOLVED_LIMIT = 64;

/** Parsers by media type; "type/*" and "+json" suffixes are matched after exact names. */
export class BodyParsers {
  private readonly exact = new Map<string, BodyParser>();
  private readonly wildcard = new Map<string, BodyParser>();
  private readonly resolved = new Map<string, Resolved>();

  /** The media type of a Content-Type value and the parser for it (undefined: 415). */
  resolve(contentType: string): Resolved {
    let hit = this.resolved.get(contentType);
    if (hit === undefined) {
      const mediaType = mediaTypeOf(contentType);
      hit = { mediaType, parser: this.find(mediaType) };
      if (this.resolved.size < RESOLVED_LIMIT) this.resolved.set(contentType, hit);
    }
    return hit;
  }

  static defaults(): BodyParsers {
    return new BodyParsers()
      .add('application/json', parseJson)
      .add('text/plain', parseText)
      .add('application/x-www-form-urlencoded', parseForm)
      .add('application/octet-stream', parseBytes);
  }

  add(mediaType: string, parser: BodyParser): this {
    const type = mediaType.toLowerCase();
    if (!/^[a-z0-9!#$&^_.+-]+\/(?:\*|[a-z0-9!#$&^_.+-]+)$/.test(type)) throw new TypeError(`wirecore/app: "${mediaType}" is not a media type (type/subtype or type/*)`);
    if (type.endsWith('/*')) this.wildcard.set(type.slice(0, -1), parser);
    else this.exact.set(type, parser);
    this.resolved.clear();
    return this;
  }

  find(mediaType: string): BodyParser | undefined {
    const exact = this.exact.get(mediaType);
    if (exact !== undefined) return exact;
    if (mediaType.endsWith('+json') && this.exact.has('application/json')) return this.exact.get('application/json');
    const slash = mediaType.indexOf('/');
    return slash === -1 ? undefined : this.wildcard.get(mediaType.slice(0, slash + 1));
  }

  /** The names this set accepts, for a 415's detail and for OpenAPI. */
  get mediaTypes(): string[] {
    return [...this.exact.keys(), ...[...this.wildcard.keys()].map((prefix) => prefix + '*')];
  }

  /** A copy restricted to `mediaTypes` (a route's `consumes`). */
  only(mediaTypes: readonly string[]): BodyParsers {
    const out = new BodyParsers();
    for (const type of mediaTypes) {
      const lower = type.toLowerCase();
      const parser = lower.endsWith('/*') ? this.wildcard.get(lower.slice(0, -1)) : this.find(lower);
      if (parser === undefined) throw new TypeError(`wirecore/app: no body parser for "${type}" (add one with app.addBodyParser)`);
      out.add(lower, parser);
    }
    return out;
  }
}
