// The spec's schemas made compilable: references made absolute into one
// shared `{ $id, $defs }` for ajv and fast-json-stringify (OpenAPI 3.0's
// boolean exclusive bounds rewritten), and what a schema says about its type.
import { isObject, resolvePointer, type JsonObject } from './load.js';

const FULL_FORMATS = new Set(['date', 'time', 'date-time', 'iso-time', 'iso-date-time', 'duration', 'uri', 'uri-reference', 'uri-template', 'url', 'email', 'hostname', 'ipv4', 'ipv6', 'regex', 'uuid', 'json-pointer', 'json-pointer-uri-fragment', 'relative-json-pointer', 'byte', 'int32', 'int64', 'float', 'double', 'password', 'binary']);
export const NOT_SCHEMA_KEYS = new Set(['example', 'examples', 'const', 'enum', 'default']);

let loads = 0;

export function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The spec's schemas for ajv and fast-json-stringify: references made absolute into one shared `{ $id, $defs }`. */
export class SharedSchemas {
  readonly id = `urn:wirecore:openapi:${++loads}`;
  readonly defs: Record<string, unknown> = {};
  readonly annotations = new Set<string>();
  readonly openFormats = new Set<string>();
  private readonly outside = new Map<string, string>();

  constructor(
    private readonly document: JsonObject,
    private readonly version: '3.0' | '3.1',
  ) {
    const components = isObject(document.components) && isObject(document.components.schemas) ? document.components.schemas : {};
    for (const [name, schema] of Object.entries(components)) this.defs[name] = this.rewrite(schema);
  }

  /** A copy of `schema` for compiling. */
  rewrite(schema: unknown): unknown {
    if (Array.isArray(schema)) return schema.map((s) => this.rewrite(s));
    if (!isObject(schema)) return schema;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$ref' && typeof value === 'string') out.$ref = this.absolute(value);
      else if (NOT_SCHEMA_KEYS.has(key)) out[key] = value;
      else {
        if (key.startsWith('x-')) this.annotations.add(key);
        if (key === 'format' && typeof value === 'string' && !FULL_FORMATS.has(value)) this.openFormats.add(value);
        out[key] = key === 'properties' || key === 'patternProperties' || key === '$defs' || key === 'dependentSchemas' ? this.rewriteMap(value) : this.rewrite(value);
      }
    }
    if (this.version === '3.0') {
      // OpenAPI 3.0 keeps draft-04's boolean exclusiveMinimum/Maximum.
      for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
        if (typeof out[flag] === 'boolean') {
          if (out[flag] === true && typeof out[bound] === 'number') {
            out[flag] = out[bound];
            delete out[bound];
          } else delete out[flag];
        }
      }
    }
    return out;
  }

  private rewriteMap(value: unknown): unknown {
    if (!isObject(value)) return value;
    const out: JsonObject = {};
    for (const [name, schema] of Object.entries(value)) out[name] = this.rewrite(schema);
    return out;
  }

  private absolute(ref: string): string {
    const prefix = '#/components/schemas/';
    if (ref.startsWith(prefix)) return `${this.id}#/$defs/${ref.slice(prefix.length)}`;
    // A pointer elsewhere in the document (a bundled file's schema): copied in under a name of its own.
    let name = this.outside.get(ref);
    if (name === undefined) {
      name = `__ref${this.outside.size}`;
      this.outside.set(ref, name);
      this.defs[name] = true;
      this.defs[name] = this.rewrite(resolvePointer(this.document, ref));
    }
    return `${this.id}#/$defs/${name}`;
  }
}

function schemaType(document: JsonObject, schema: unknown): unknown {
  let node = schema;
  for (let i = 0; i < 16 && isObject(node) && typeof node.$ref === 'string'; i++) node = resolvePointer(document, node.$ref);
  return isObject(node) ? node.type : undefined;
}

export function isType(document: JsonObject, schema: unknown, type: string): boolean {
  const t = schemaType(document, schema);
  return t === type || (Array.isArray(t) && t.includes(type));
}

/** A schema that stands for raw bytes (an upload), which no JSON Schema validator can check. */
export function isBinary(document: JsonObject, schema: unknown): boolean {
  let node = schema;
  for (let i = 0; i < 16 && isObject(node) && typeof node.$ref === 'string'; i++) node = resolvePointer(document, node.$ref);
  return isObject(node) && node.type === 'string' && (node.format === 'binary' || node.contentMediaType !== undefined || node.contentEncoding !== undefined);
}

export function without(object: JsonObject, ...keys: string[]): JsonObject {
  const out = { ...object };
  for (const k of keys) delete out[k];
  return out;
}
