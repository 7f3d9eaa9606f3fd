// Schemas compiled once at registration: ajv validators (coercing for
// params, query, headers and cookies; exact for bodies) and
// fast-json-stringify serializers, each cached by schema object. A compiler
// speaks draft-07 (TypeBox, OpenAPI 3.0) or 2020-12 (OpenAPI 3.1), and may
// hold one shared document of named schemas that route schemas `$ref`.
import AjvModule, { type ErrorObject, type Options as AjvOptions, type ValidateFunction } from 'ajv';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import buildSerializer from 'fast-json-stringify';
import type { TSchema } from '@sinclair/typebox';
import type { ValidationIssue } from './errors.js';

const Ajv = AjvModule.default ?? AjvModule;
const Ajv2020 = Ajv2020Module.default ?? Ajv2020Module;
const addFormats = addFormatsModule.default ?? addFormatsModule;
type AjvInstance = InstanceType<typeof Ajv>;

export type Part = ValidationIssue['in'];

export interface SchemaOptions {
  /** Extra ajv options for both instances (coerceTypes is set per part and cannot be overridden). */
  ajv?: Omit<AjvOptions, 'coerceTypes'>;
  /** Called with each ajv instance, e.g. to add keywords or formats. */
  plugins?: Array<(ajv: AjvInstance) => unknown>;
}

/** JSON Schema draft-07 (TypeBox, OpenAPI 3.0 after its fixes) or 2020-12 (OpenAPI 3.1). */
export type Dialect = 'draft-07' | '2020-12';

/** Checks a request part in place (coercing and filling defaults); returns the issues, or null when it is valid. */
export type PartValidator = (value: unknown) => ValidationIssue[] | null;
export type Serializer = (value: unknown) => string;

// OpenAPI annotations ajv does not know; accepted so one schema serves both.
const ANNOTATIONS = ['example', 'xml', 'externalDocs', 'discriminator'];

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

export interface CompilerSetup {
  dialect?: Dialect;
  /** More annotation keywords (an OpenAPI document's `x-…` schema keys). */
  annotations?: readonly string[];
  /** Formats to accept unchecked (a document's formats ajv-formats does not know). */
  openFormats?: readonly string[];
}

export class SchemaCompiler {
  private readonly coercing: AjvInstance;
  private readonly exact: AjvInstance;
  private readonly serializers = new WeakMap<object, Serializer>();
  /** Documents route schemas reference by `$id`, for fast-json-stringify. */
  private readonly shared: Record<string, object> = {};
  readonly dialect: Dialect;

  constructor(options: SchemaOptions = {}, setup: CompilerSetup = {}) {
    this.dialect = setup.dialect ?? 'draft-07';
    const base: AjvOptions = { allErrors: true, useDefaults: true, strictTypes: false, strictTuples: false, ...options.ajv };
    this.coercing = this.make({ ...base, coerceTypes: 'array' }, options, setup);
    this.exact = this.make({ ...base, coerceTypes: false }, options, setup);
  }

  private make(ajvOptions: AjvOptions, options: SchemaOptions, setup: CompilerSetup): AjvInstance {
    const ajv = this.dialect === '2020-12' ? (new Ajv2020(ajvOptions) as unknown as AjvInstance) : new Ajv(ajvOptions);
    addFormats(ajv);
    ajv.addVocabulary([...ANNOTATIONS, ...(setup.annotations ?? [])]);
    for (const format of setup.openFormats ?? []) ajv.addFormat(format, true);
    for (const plugin of options.plugins ?? []) plugin(ajv);
    return ajv;
  }

  /** Whether ajv (with ajv-formats) checks this format. */
  knowsFormat(format: string): boolean {
    return this.exact.formats[format] !== undefined;
  }

  /**
   * Registers a document of named schemas (`{ $id, $defs }`) that route
   * schemas reference as `<$id>#/$defs/<name>`; cycles between them are fine.
   */
  addShared(document: { $id: string; $defs: Record<string, unknown> }): void {
    this.coercing.addSchema(document, undefined, undefined, false);
    this.exact.addSchema(document, undefined, undefined, false);
    this.shared[document.$id] = document;
  }

  /** Throws ajv's own message when the schema is invalid; the caller names the route. */
  validator(part: Part, schema: TSchema): PartValidator {
    const validate: ValidateFunction = (part === 'body' ? this.exact : this.coercing).compile(schema);
    return (value) => (validate(value) ? null : issuesOf(part, validate.errors ?? []));
  }

  serializer(schema: TSchema): Serializer {
    let serialize = this.serializers.get(schema);
    if (serialize === undefined) {
      type Options = Parameters<typeof buildSerializer>[1];
      const options = (Object.keys(this.shared).length === 0 ? undefined : { schema: this.shared }) as Options;
      serialize = buildSerializer(schema as unknown as Parameters<typeof buildSerializer>[0], options) as Serializer;
      this.serializers.set(schema, serialize);
    }
    return serialize;
  }
}
