// Reading an OpenAPI 3.0 / 3.1 document: JSON or YAML (the `yaml` package),
// external references bundled and the whole document validated against the
// OpenAPI schemas by @readme/openapi-parser, then internal references
// resolved here: parameters, bodies, responses and schemes are followed
// (a cycle among them is a start-up error naming it); schemas keep their
// `$ref`s, so recursive schemas stay recursive (ajv and fast-json-stringify
// follow them) and the document can be emitted again as it was.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundle, compileErrors, validate } from '@readme/openapi-parser';
import YAML from 'yaml';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A document as read, with where it came from (for error messages and relative files). */
export interface RawSpec {
  readonly document: JsonObject;
  /** The file it was read from, when it was. */
  readonly file: string | null;
  /** "3.0" or "3.1". */
  readonly version: '3.0' | '3.1';
}

function specError(where: string, message: string): Error {
  return new Error(`wirecore/app: the OpenAPI spec ${where} ${message}`);
}

function parseText(text: string, file: string): JsonObject {
  let value: unknown;
  if (/\.json$/i.test(file)) {
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw specError(file, `is not valid JSON: ${(error as Error).message}`);
    }
  } else {
    try {
      // uniqueKeys: a key given twice is an error, not a silent override; maxAliasCount stops alias bombs.
      value = YAML.parse(text, { uniqueKeys: true, maxAliasCount: 100, prettyErrors: true });
    } catch (error) {
      throw specError(file, `does not parse as YAML or JSON: ${(error as Error).message}`);
    }
  }
  if (!isObject(value)) throw specError(file, 'is not an object at its top level');
  return value;
}

function hasExternalRefs(value: unknown, seen = new Set<object>()): boolean {
  if (value === null || typeof value !== 'object' || seen.has(value)) return false;
  seen.add(value);
  if (Array.isArray(value)) return value.some((v) => hasExternalRefs(v, seen));
  const ref = (value as JsonObject).$ref;
  if (typeof ref === 'string' && !ref.startsWith('#')) return true;
  return Object.values(value).some((v) => hasExternalRefs(v, seen));
}

/** Reads, bundles and validates a spec; throws one error naming every problem found. */
export async function readSpec(source: string | URL | JsonObject): Promise<RawSpec> {
  let document: JsonObject;
  let file: string | null = null;
  if (typeof source === 'string' || source instanceof URL) {
    file = source instanceof URL ? fileURLToPath(source) : source;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw specError(file, `cannot be read: ${(error as Error).message}`);
    }
    document = parseText(text, file);
  } else if (isObject(source)) {
    try {
      document = structuredClone(source);
    } catch (error) {
      throw specError('object', `cannot be copied (it must be plain JSON data): ${(error as Error).message}`);
    }
  } else {
    throw new TypeError('wirecore/app: fromSpec takes a file path, a file: URL or the document object');
  }
  const where = file ?? 'object';
  if (typeof document.swagger === 'string') throw specError(where, `is Swagger ${document.swagger}; fromSpec reads OpenAPI 3.0 and 3.1 (convert it first)`);
  const version = typeof document.openapi === 'string' ? /^3\.([01])\.\d+$/.exec(document.openapi) : null;
  if (version === null) throw specError(where, `is not an OpenAPI 3.0 or 3.1 document (its "openapi" field is ${JSON.stringify(document.openapi)})`);
  if (hasExternalRefs(document)) {
    if (file === null) throw specError(where, 'has $refs to other files; pass the file path so they resolve, or bundle the spec first');
    try {
      document = (await bundle(file, { resolve: { file: true, external: true } })) as unknown as JsonObject;
    } catch (error) {
      throw specError(where, `has a $ref that does not resolve: ${(error as Error).message}`);
    }
  }
  const text = JSON.stringify(document);
  if (!validated.has(text)) {
    let result: Awaited<ReturnType<typeof validate>>;
    try {
      // validate() dereferences its argument in place: give it a copy.
      result = await validate(JSON.parse(text) as never, { validate: { errors: { colorize: false } } });
    } catch (error) {
      throw specError(where, `is not valid: ${(error as Error).message}`);
    }
    if (!result.valid) throw specError(where, `is not valid:\n${compileErrors(result)}`);
    if (validated.size >= VALIDATED_LIMIT) validated.delete(validated.values().next().value!);
    validated.add(text);
  }
  return { document, file, version: version[1] === '0' ? '3.0' : '3.1' };
}

// Validation compiles the OpenAPI meta-schemas each time (~0.1 s): a document already found valid is not checked again.
const VALIDATED_LIMIT = 16;
const validated = new Set<string>();

/** "#/components/schemas/Pet" → the value there, or undefined. */
export function resolvePointer(document: JsonObject, ref: string): unknown {
  if (ref === '#') return document;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = document;
  for (const raw of ref.slice(2).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    } catch {
      return undefined;
    }
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isObject(node) && Object.hasOwn(node, segment)) node = node[segment];
    else return undefined;
  }
  return node;
}

/** Follows a non-schema object's `$ref` chain; a cycle or a dangling pointer is an error naming the chain. */
export function follow(document: JsonObject, value: unknown, where: string): JsonObject {
  const chain: string[] = [];
  let node = value;
  while (isObject(node) && typeof node.$ref === 'string') {
    const ref = node.$ref;
    if (chain.includes(ref)) throw new Error(`wirecore/app: the OpenAPI spec has a $ref cycle at ${where}: ${[...chain, ref].join(' → ')}`);
    chain.push(ref);
    const target = resolvePointer(document, ref);
    if (target === undefined) throw new Error(`wirecore/app: the OpenAPI spec's $ref ${JSON.stringify(ref)} at ${where} points nowhere`);
    node = target;
  }
  if (!isObject(node)) throw new Error(`wirecore/app: the OpenAPI spec has no object at ${where}`);
  return node;
}

// Keywords under which a subschema applies to the same instance (so a cycle through them alone never ends).
const SAME_INSTANCE_LISTS = ['allOf', 'anyOf', 'oneOf'];
const SAME_INSTANCE = ['not', 'if', 'then', 'else'];
const SAME_INSTANCE_MAPS = ['dependentSchemas'];

/**
 * Every schema `$ref` must resolve, and no chain of references may return to
 * where it began without descending into the data (`A: { $ref: B }`,
 * `B: { allOf: [{ $ref: A }] }`): validating it could never finish.
 */
export function checkSchemaRefs(document: JsonObject, schemas: ReadonlyArray<[string, unknown]>): void {
  const sameInstanceRefs = (schema: unknown, out: string[], seen: Set<unknown>): void => {
    if (!isObject(schema) || seen.has(schema)) return;
    seen.add(schema);
    if (typeof schema.$ref === 'string') out.push(schema.$ref);
    for (const k of SAME_INSTANCE_LISTS) if (Array.isArray(schema[k])) for (const s of schema[k] as unknown[]) sameInstanceRefs(s, out, seen);
    for (const k of SAME_INSTANCE) sameInstanceRefs(schema[k], out, seen);
    for (const k of SAME_INSTANCE_MAPS) if (isObject(schema[k])) for (const s of Object.values(schema[k] as JsonObject)) sameInstanceRefs(s, out, seen);
  };
  const safe = new Set<string>();
  const allRefs = (schema: unknown, where: string, seen: Set<unknown>): void => {
    if (schema === null || typeof schema !== 'object' || seen.has(schema)) return;
    seen.add(schema);
    if (Array.isArray(schema)) {
      for (const s of schema) allRefs(s, where, seen);
      return;
    }
    const ref = (schema as JsonObject).$ref;
    if (typeof ref === 'string') {
      if (resolvePointer(document, ref) === undefined) throw new Error(`wirecore/app: the OpenAPI spec's schema $ref ${JSON.stringify(ref)} at ${where} points nowhere`);
      const path: string[] = [];
      const walk = (current: string): void => {
        if (safe.has(current)) return;
        if (path.includes(current)) throw new Error(`wirecore/app: the OpenAPI spec has a schema $ref cycle that never reaches any data: ${[...path, current].join(' → ')} (validation could never finish)`);
        path.push(current);
        const next: string[] = [];
        sameInstanceRefs(resolvePointer(document, current), next, new Set());
        for (const r of next) if (resolvePointer(document, r) !== undefined) walk(r);
        path.pop();
        safe.add(current);
      };
      walk(ref);
    }
    for (const [key, value] of Object.entries(schema)) if (key !== 'example' && key !== 'examples' && key !== 'const' && key !== 'enum' && key !== 'default') allRefs(value, where, seen);
  };
  const seen = new Set<unknown>();
  for (const [where, schema] of schemas) allRefs(schema, where, seen);
}
