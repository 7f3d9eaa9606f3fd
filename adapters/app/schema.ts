// Schemas compiled once at registration: ajv validators (coercing for
// params, query and headers; exact for bodies) and fast-json-stringify
// serializers, each cached by schema object.
import AjvModule, { type ErrorObject, type Options as AjvOptions, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import buildSerializer from 'fast-json-stringify';
import type { TSchema } from '@sinclair/typebox';
import type { ValidationIssue } from './errors.js';

const Ajv = AjvModule.default ?? AjvModule;
const addFormats = addFormatsModule.default ?? addFormatsModule;
type AjvInstance = InstanceType<typeof Ajv>;

export type Part = ValidationIssue['in'];

export interface SchemaOptions {
  /** Extra ajv options for both instances (coerceTypes is set per part and cannot be overridden). */
  ajv?: Omit<AjvOptions, 'coerceTypes'>;
  /** Called with each ajv instance, e.g. to add keywords or formats. */
  plugins?: Array<(ajv: AjvInstance) => unknown>;
}

/** Checks a request part in place (coercing and filling defaults); returns the issues, or null when it is valid. */
export type PartValidator = (value: unknown) => ValidationIssue[] | null;
export type Serializer = (value: unknown) => string;

// OpenAPI annotations ajv does not know; accepted so one schema serves both.
const ANNOTATIONS = ['example', 'xml', 'externalDocs'];

function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

function issuesOf(part: Part, errors: ErrorObject[]): ValidationIssue[] {
  return errors.map((e) => {
    let path = e.instancePath;
    if (e.keyword === 'required') path += '/' + escapePointer(String((e.params as { missingProperty: string }).missingProperty));
    else if (e.keyword === 'additionalProperties') path += '/' + escapePointer(String((e.params as { additionalProperty: string }).additionalProperty));
    return { in: part, path, message: e.message ?? e.keyword, keyword: e.keyword };
  });
}

export class SchemaCompiler {
  private readonly coercing: AjvInstance;
  private readonly exact: AjvInstance;
  private readonly serializers = new WeakMap<object, Serializer>();

  constructor(options: SchemaOptions = {}) {
    const base: AjvOptions = { allErrors: true, useDefaults: true, strictTypes: false, strictTuples: false, ...options.ajv };
    this.coercing = this.make({ ...base, coerceTypes: 'array' }, options);
    this.exact = this.make({ ...base, coerceTypes: false }, options);
  }

  private make(ajvOptions: AjvOptions, options: SchemaOptions): AjvInstance {
    const ajv = new Ajv(ajvOptions);
    addFormats(ajv);
    ajv.addVocabulary(ANNOTATIONS);
    for (const plugin of options.plugins ?? []) plugin(ajv);
    return ajv;
  }

  /** Throws ajv's own message when the schema is invalid; the caller names the route. */
  validator(part: Part, schema: TSchema): PartValidator {
    const validate: ValidateFunction = (part === 'body' ? this.exact : this.coercing).compile(schema);
    return (value) => (validate(value) ? null : issuesOf(part, validate.errors ?? []));
  }

  serializer(schema: TSchema): Serializer {
    let serialize = this.serializers.get(schema);
    if (serialize === undefined) {
      serialize = buildSerializer(schema as unknown as Parameters<typeof buildSerializer>[0]) as Serializer;
      this.serializers.set(schema, serialize);
    }
    return serialize;
  }
}
