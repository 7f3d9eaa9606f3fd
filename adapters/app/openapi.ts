// Code-first OpenAPI: every route's schemas (params, query, headers, cookies,
// body, responses by status) and metadata (operationId, summary, tags,
// security, deprecated) become an OpenAPI 3.1 document. TypeBox schemas are
// draft-07; the few keywords 2020-12 spells differently are rewritten, and a
// schema with an `$id` becomes a component referenced by name. Routes that
// came from a spec keep their schemas as written, and each route's `openapi`
// overlay adds what schemas do not say (descriptions, styles, examples).
import { STATUS_CODES } from 'node:http';
import type { RouteInfo } from './route.js';

export interface OpenApiInfo {
  title: string;
  version: string;
  summary?: string;
  description?: string;
  termsOfService?: string;
  contact?: Record<string, unknown>;
  license?: Record<string, unknown>;
  [extension: `x-${string}`]: unknown;
}

/** An OpenAPI document (3.1, or the version of the spec an app was loaded from). */
export interface OpenApiDocument {
  openapi: string;
  info: OpenApiInfo;
  paths?: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  [field: string]: unknown;
}

/** Document-level fields beside info (servers, tags, externalDocs, more components, webhooks, x-…). */
export interface DocumentExtras {
  servers?: unknown[];
  tags?: unknown[];
  externalDocs?: Record<string, unknown>;
  components?: Record<string, Record<string, unknown>>;
  [field: string]: unknown;
}

/** A loaded document without its paths, and the path items' own fields (summary, servers…) by template. */
export interface DocumentBase {
  openapi: string;
  info: OpenApiInfo;
  components?: Record<string, Record<string, unknown>>;
  pathItems?: Record<string, Record<string, unknown>>;
  [field: string]: unknown;
}

type JsonObject = Record<string, unknown>;

/** The methods an OpenAPI path item can hold. */
const OPERATION_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const NO_CONTENT = new Set([204, 205, 304]);
const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SUBSCHEMAS = ['additionalProperties', 'items', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems', 'additionalItems'];

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Rewrites draft-07 (TypeBox) schemas as OpenAPI 3.1 (JSON Schema 2020-12) schemas, collecting `$id`'d ones as components. */
class SchemaConverter {
  readonly components: Record<string, unknown> = {};

  convert(schema: unknown): unknown {
    if (!isObject(schema)) return schema;
    const id = schema.$id;
    if (typeof id === 'string' && /^[A-Za-z0-9._-]+$/.test(id)) {
      if (!(id in this.components)) {
        this.components[id] = true; // placeholder: a schema that refers to itself
        const { $id: _, ...rest } = schema;
        this.components[id] = this.convertBody(rest);
      }
      return { $ref: `#/components/schemas/${id}` };
    }
    return this.convertBody(schema);
  }

  private convertBody(schema: JsonObject): JsonObject {
    const out: JsonObject = {};
    for (const key of Object.keys(schema)) {
      const value = schema[key];
      if (key === '$ref' && typeof value === 'string') {
        out.$ref = value.startsWith('#/definitions/') ? `#/$defs/${value.slice(14)}` : value.startsWith('#') || value.includes('/') ? value : `#/components/schemas/${value}`;
      } else if (SUBSCHEMA_MAPS.includes(key) && isObject(value)) {
        const map: JsonObject = {};
        for (const name of Object.keys(value)) map[name] = this.convert(value[name]);
        out[key === 'definitions' ? '$defs' : key] = map;
      } else if (SUBSCHEMA_LISTS.includes(key) && Array.isArray(value)) {
        out[key] = value.map((s) => this.convert(s));
      } else if (key === 'items' && Array.isArray(value)) {
        // draft-07 tuples: items: [...] + additionalItems → prefixItems + items.
        out.prefixItems = value.map((s) => this.convert(s));
        if (schema.additionalItems !== undefined) out.items = this.convert(schema.additionalItems);
      } else if (key === 'additionalItems') {
        if (!Array.isArray(schema.items)) out.items = this.convert(value);
      } else if (SUBSCHEMAS.includes(key)) {
        out[key] = this.convert(value);
      } else {
        out[key] = value;
      }
    }
    return out;
  }
}

/** `/users/:id(^\\d+)/posts/:postId?` → OpenAPI templates and the params they declare; null for a wildcard (OpenAPI cannot say "the rest of the path"). */
export function toTemplates(path: string): { templates: string[]; patterns: Record<string, string> } | null {
  let template = '';
  let optional: string | null = null;
  const patterns: Record<string, string> = {};
  for (let i = 0; i < path.length; ) {
    const ch = path[i]!;
    if (ch === '*') return null;
    if (ch === ':' && path[i + 1] === ':') {
      template += ':';
      i += 2;
      continue;
    }
    if (ch !== ':') {
      template += ch;
      i++;
      continue;
    }
    let j = i + 1;
    while (j < path.length && !'(-./'.includes(path[j]!)) j++;
    let name = path.slice(i + 1, j);
    if (path[j] === '(') {
      let depth = 0;
      const start = j;
      for (; j < path.length; j++) {
        if (path[j] === '\\') j++;
        else if (path[j] === '(') depth++;
        else if (path[j] === ')' && --depth === 0) break;
      }
      patterns[name] = path.slice(start + 1, j);
      j++;
    }
    if (name.endsWith('?')) {
      name = name.slice(0, -1);
      optional = template.replace(/\/$/, '') || '/';
    }
    template += `{${name}}`;
    i = j;
  }
  return { templates: optional === null ? [template] : [optional, template], patterns };
}

function templateNames(template: string): string[] {
  return [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}

function mergeDeep(base: JsonObject, overlay: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const current = out[key];
    // A schema or an example is replaced whole, never mixed with the generated one.
    out[key] = isObject(current) && isObject(value) && key !== 'schema' && key !== 'example' && key !== 'value' ? mergeDeep(current, value) : value;
  }
  return out;
}

function mergeParameters(generated: JsonObject[], overlay: unknown): JsonObject[] {
  if (!Array.isArray(overlay)) return generated;
  // Header names are case-insensitive: the schema holds them in lower case, a spec may not.
  const key = (p: JsonObject) => `${String(p.in)}:${p.in === 'header' ? String(p.name).toLowerCase() : String(p.name)}`;
  const byKey = new Map(generated.map((p) => [key(p), p]));
  const out: JsonObject[] = [];
  for (const entry of overlay) {
    if (!isObject(entry)) continue;
    const k = key(entry);
    const own = byKey.get(k);
    out.push(own === undefined ? entry : { ...own, ...entry });
    byKey.delete(k);
  }
  return [...out, ...byKey.values()];
}

export interface GenerateOptions {
  info?: OpenApiInfo;
  extras?: DocumentExtras;
  /** The document the app was loaded from, without its paths (spec-first). */
  base?: DocumentBase;
  securitySchemes: Record<string, Record<string, unknown>>;
}

/** The OpenAPI document of `routes`. */
export function generateDocument(routes: readonly RouteInfo[], options: GenerateOptions): OpenApiDocument {
  const { pathItems, ...baseFields }: Partial<DocumentBase> = options.base ?? {};
  const converter = new SchemaConverter();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const method = route.method.toLowerCase();
    if (route.hidden === true || !OPERATION_METHODS.has(method)) continue;
    const native = route.openapiPath !== undefined;
    const shape = native ? { templates: [route.openapiPath!], patterns: {} } : toTemplates(route.path);
    if (shape === null) continue;
    for (const template of shape.templates) {
      const operation = buildOperation(route, template, shape.patterns, native ? (s) => s : (s) => converter.convert(s));
      const item = (paths[template] ??= { ...(pathItems?.[template] ?? {}) });
      item[method] = operation;
    }
  }
  const baseComponents = baseFields.components ?? {};
  const components: Record<string, Record<string, unknown>> = { ...baseComponents, ...options.extras?.components };
  const schemas = { ...components.schemas, ...converter.components };
  if (Object.keys(schemas).length !== 0) components.schemas = schemas;
  const securitySchemes = { ...options.securitySchemes, ...components.securitySchemes };
  if (Object.keys(securitySchemes).length !== 0) components.securitySchemes = securitySchemes;
  const doc: OpenApiDocument = {
    ...baseFields,
    ...options.extras,
    openapi: baseFields.openapi ?? '3.1.0',
    info: options.info ?? baseFields.info ?? { title: 'API', version: '1.0.0' },
    paths,
  };
  delete doc.security;
  if (Object.keys(components).length !== 0) doc.components = components;
  else delete doc.components;
  return doc;
}

function objectProperties(schema: unknown): { properties: JsonObject; required: string[] } {
  if (!isObject(schema) || !isObject(schema.properties)) return { properties: {}, required: [] };
  return { properties: schema.properties, required: Array.isArray(schema.required) ? (schema.required as string[]) : [] };
}

function buildOperation(route: RouteInfo, template: string, patterns: Record<string, string>, convert: (schema: unknown) => unknown): JsonObject {
  const op: JsonObject = {};
  if (route.tags !== undefined) op.tags = [...route.tags];
  if (route.summary !== undefined) op.summary = route.summary;
  if (route.description !== undefined) op.description = route.description;
  if (route.operationId !== undefined) op.operationId = route.operationId;

  const parameters: JsonObject[] = [];
  const pathParams = objectProperties(route.schema.params);
  for (const name of templateNames(template)) {
    const declared = pathParams.properties[name];
    const schema = declared !== undefined ? convert(declared) : patterns[name] !== undefined ? { type: 'string', pattern: patterns[name] } : { type: 'string' };
    parameters.push({ name, in: 'path', required: true, schema });
  }
  for (const [part, location] of [['query', 'query'], ['headers', 'header'], ['cookies', 'cookie']] as const) {
    const { properties, required } = objectProperties(route.schema[part]);
    for (const name of Object.keys(properties)) parameters.push({ name, in: location, ...(required.includes(name) ? { required: true } : {}), schema: convert(properties[name]) });
  }
  const overlay = route.openapi ?? {};
  const merged = mergeParameters(parameters, overlay.parameters);
  if (merged.length !== 0) op.parameters = merged;

  if (route.schema.body !== undefined) {
    const schema = convert(route.schema.body);
    const content: JsonObject = {};
    for (const type of route.requestTypes) content[type] = { schema };
    op.requestBody = { ...(route.bodyRequired ? { required: true } : {}), content };
  }
  if (isObject(overlay.requestBody)) op.requestBody = mergeDeep(isObject(op.requestBody) ? op.requestBody : {}, overlay.requestBody);

  let responses: JsonObject = {};
  for (const [key, schema] of Object.entries(route.schema.response ?? {})) {
    const status = Number(key);
    const description = isObject(schema) && typeof schema.description === 'string' ? schema.description : (STATUS_CODES[status] ?? 'Response');
    responses[key] = NO_CONTENT.has(status) ? { description } : { description, content: { 'application/json': { schema: convert(schema) } } };
  }
  if (isObject(overlay.responses)) responses = mergeDeep(responses, overlay.responses);
  op.responses = Object.keys(responses).length !== 0 ? responses : { default: { description: 'The answer' } };

  if (route.security !== undefined) op.security = route.security.map((r) => ({ ...r }));
  if (route.deprecated === true) op.deprecated = true;
  for (const [key, value] of Object.entries(overlay)) if (key !== 'parameters' && key !== 'requestBody' && key !== 'responses') op[key] = value;
  return op;
}

/** A docs page with no outside assets: it fetches the document and lists every operation with its parameters and schemas. */
export function docsPage(documentUrl: string, title: string): string {
  const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(title)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem 1.5rem;color:#1b1f24}
h1{font-size:1.6rem}details{border:1px solid #d0d7de;border-radius:6px;margin:.5rem 0;padding:.4rem .8rem}
summary{cursor:pointer}code,pre{font:13px ui-monospace,monospace}pre{background:#f6f8fa;padding:.6rem;overflow:auto;border-radius:4px}
.m{display:inline-block;min-width:4.5rem;font-weight:600;text-transform:uppercase}.d{color:#8c959f;text-decoration:line-through}
</style></head><body><h1>${escape(title)}</h1><p><a href="${escape(documentUrl)}">${escape(documentUrl)}</a></p><main id="ops">Loading…</main>
<script>
fetch(${JSON.stringify(documentUrl)}).then(r=>r.json()).then(doc=>{
  const main=document.getElementById('ops');main.textContent='';
  const el=(tag,text,cls)=>{const e=document.createElement(tag);if(text!==undefined)e.textContent=text;if(cls)e.className=cls;return e;};
  const pre=(v)=>el('pre',JSON.stringify(v,null,2));
  if(doc.info&&doc.info.description)main.append(el('p',doc.info.description));
  for(const [path,item] of Object.entries(doc.paths||{}))for(const [method,op] of Object.entries(item)){
    if(typeof op!=='object'||!op.responses)continue;
    const d=el('details');const s=el('summary');s.append(el('span',method,'m'),el('code',path,op.deprecated?'d':undefined),document.createTextNode(' '+(op.summary||op.operationId||'')));d.append(s);
    if(op.description)d.append(el('p',op.description));
    if(op.security)d.append(el('p','Security: '+op.security.map(r=>Object.keys(r).join(' + ')||'none').join(' or ')));
    if(op.parameters&&op.parameters.length){d.append(el('h4','Parameters'));d.append(pre(op.parameters));}
    if(op.requestBody){d.append(el('h4','Request body'));d.append(pre(op.requestBody));}
    d.append(el('h4','Responses'));d.append(pre(op.responses));main.append(d);
  }
  if(doc.components&&doc.components.schemas){main.append(el('h2','Schemas'));main.append(pre(doc.components.schemas));}
}).catch(e=>{document.getElementById('ops').textContent='Cannot load the document: '+e;});
</script></body></html>
`;
}
