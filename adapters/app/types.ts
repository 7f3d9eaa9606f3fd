// Types computed from a route: path params from the path string, and the
// static types of each schema part (TypeBox), so that a handler reading or
// returning the wrong shape fails tsc.
import type { Static, TSchema } from '@sinclair/typebox';

type Simplify<T> = { [K in keyof T]: T[K] } & {};

// find-my-way ends a parameter name at "(", "-", ".", "/" or the end.
type NameEnd = '(' | '-' | '.' | '/';

type ReadName<S extends string, Name extends string = ''> = S extends `${infer C}${infer Rest}`
  ? C extends NameEnd
    ? [Name, S]
    : ReadName<Rest, `${Name}${C}`>
  : [Name, ''];

/** Skips a "(regex)" with nested groups, so "(?:" inside it is not read as a parameter. */
type SkipRegex<S extends string, Depth extends unknown[] = []> = S extends `${infer C}${infer Rest}`
  ? C extends '('
    ? SkipRegex<Rest, [...Depth, 0]>
    : C extends ')'
      ? Depth extends [0]
        ? Rest
        : SkipRegex<Rest, Depth extends [0, ...infer D] ? D : []>
      : C extends '\\'
        ? Rest extends `${string}${infer After}`
          ? SkipRegex<After, Depth>
          : ''
        : SkipRegex<Rest, Depth>
  : '';

type ParamAt<S extends string> =
  ReadName<S> extends [infer Name extends string, infer Rest extends string]
    ? (Name extends `${infer Optional}?` ? { optional: Optional } : { required: Name }) | ParamsIn<Rest extends `(${string}` ? SkipRegex<Rest> : Rest>
    : never;

/** The parameters a path declares, as a union of { required: name } | { optional: name }. */
type ParamsIn<P extends string> = P extends `${infer Before}::${infer After}`
  ? ParamsIn<Before> | ParamsIn<After>
  : P extends `${string}:${infer Rest}`
    ? ParamAt<Rest>
    : P extends `${string}*`
      ? { required: '*' }
      : never;

type RequiredNames<U> = U extends { required: infer N extends string } ? N : never;
type OptionalNames<U> = U extends { optional: infer N extends string } ? N : never;

/** `'/users/:id/posts/:postId'` → `{ id: string; postId: string }`; `*` is the wildcard's rest. */
export type PathParams<P extends string> = string extends P
  ? Record<string, string>
  : Simplify<{ [K in RequiredNames<ParamsIn<P>>]: string } & { [K in OptionalNames<ParamsIn<P>>]?: string }>;

/** Response schemas by status code. */
export type ResponseSchemas = { readonly [status: number]: TSchema };

/**
 * One JSON Schema per request part and one per response status: the single
 * source of validation (ajv), serialization (fast-json-stringify) and types.
 */
export interface RouteSchema {
  readonly params?: TSchema;
  readonly query?: TSchema;
  readonly headers?: TSchema;
  /** The request's cookies by name (c.cookies). */
  readonly cookies?: TSchema;
  readonly body?: TSchema;
  readonly response?: ResponseSchemas;
}

export type ParamsOf<Path extends string, S> = S extends { params: infer P extends TSchema } ? Static<P> : PathParams<Path>;
export type QueryOf<S> = S extends { query: infer Q extends TSchema } ? Static<Q> : Record<string, string | string[] | undefined>;
export type HeadersOf<S> = S extends { headers: infer H extends TSchema } ? Static<H> : Record<string, string | undefined>;
export type CookiesOf<S> = S extends { cookies: infer K extends TSchema } ? Static<K> : Record<string, string | undefined>;
export type BodyOf<S> = S extends { body: infer B extends TSchema } ? Static<B> : unknown;

/** The schema-declared statuses, or never when the route has no response schema. */
export type ResponsesOf<S> = S extends { response: infer R extends ResponseSchemas } ? R : never;

type SuccessKeys<R> = { [K in keyof R]: `${K & number}` extends `2${string}` ? K : never }[keyof R];

/** What a handler may return as its value: the union of its 2xx response types (all when no 2xx is declared). */
export type SuccessBody<R> = [SuccessKeys<R>] extends [never]
  ? { [K in keyof R]: R[K] extends TSchema ? Static<R[K]> : never }[keyof R]
  : { [K in SuccessKeys<R>]: R[K] extends TSchema ? Static<R[K]> : never }[SuccessKeys<R>];

type StaticOf<T> = T extends TSchema ? Static<T> : never;

/**
 * What a handler may return as a bare value: it goes out with status 200 (through the 200 serializer), so it is
 * the 200 type; `undefined` (or nothing) where 204 is declared. Other statuses go through `c.reply(status, body)`.
 */
export type BareReturn<R> = (200 extends keyof R ? StaticOf<R[200]> : never) | (204 extends keyof R ? undefined | void : never);

/** The body a given status must carry: its schema's type, or anything when the status has no schema. */
export type BodyForStatus<R, Status extends number> = Status extends keyof R ? (R[Status] extends TSchema ? Static<R[Status]> : unknown) : unknown;
