// Spec-first, compiled: an OpenAPI 3.0 / 3.1 document into routes. Each
// operation becomes a route (its operationId names the handler), its
// parameters, body and responses become the route's schemas (validated by
// ajv, serialized by fast-json-stringify, with the document's own named
// schemas shared and referenced), and its security requirements run against
// the document's security schemes. With `watch`, editing the file swaps the
// route table atomically; a broken edit keeps the old table and logs why.
import type { App } from '../app.js';
import type { DocumentBase } from '../openapi.js';
import type { RegisteredRoute } from '../route.js';
import { SchemaCompiler } from '../schema.js';
import { SecurityRegistry, type SecurityRequirements, type SecuritySchemeConfig } from '../security/index.js';
import type { RouteSchema } from '../types.js';
import type { TSchema } from '@sinclair/typebox';
import { checkSchemaRefs, follow, isObject, type JsonObject, type RawSpec } from './load.js';
import type { SpecHandler, SpecOptions } from './options.js';
import { chain, routerPath, splitter, type Preparer } from './paths.js';
import { SharedSchemas, escapePointer, isBinary, isType, without } from './schemas.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const OPERATION_FIELDS_DERIVED = new Set(['tags', 'summary', 'description', 'operationId', 'parameters', 'requestBody', 'responses', 'security', 'deprecated']);
// OpenAPI: header parameters with these names are ignored (the transport owns them).
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);

interface Described {
  definition: Record<string, unknown>;
  where: string;
  template: string;
  compileSchema: RouteSchema;
  prepare: Partial<Record<'params' | 'query' | 'headers', Preparer | undefined>>;
}

interface Built {
  routes: RegisteredRoute[];
  base: DocumentBase;
  origin: object;
}

/** The registrations of every operation of `raw`, for `app`. Throws one error naming every missing or extra handler. */
export function buildRoutes<State>(app: App<State>, raw: RawSpec, options: SpecOptions<State>): Built {
  const doc = raw.document;
  const where = raw.file ?? 'the spec object';
  const origin = {};
  const shared = new SharedSchemas(doc, raw.version);
  const paths = isObject(doc.paths) ? doc.paths : {};
  const components = isObject(doc.components) ? doc.components : {};

  // Security schemes: the spec's, verified as `options.security` says.
  const specSchemes = isObject(components.securitySchemes) ? components.securitySchemes : {};
  const verification = options.security ?? {};
  for (const name of Object.keys(verification)) {
    if (!(name in specSchemes)) throw new Error(`wirecore/app: security.${name} names no security scheme of ${where} (it declares ${Object.keys(specSchemes).map((n) => `"${n}"`).join(', ') || 'none'})`);
  }
  const used = new Set<string>();
  const requirementsOf = (op: JsonObject): SecurityRequirements | undefined => {
    const security = (op.security ?? doc.security) as SecurityRequirements | undefined;
    for (const requirement of security ?? []) for (const name of Object.keys(requirement)) used.add(name);
    return security;
  };

  const handlers = options.handlers;
  const found = new Set<string>();
  const missing: string[] = [];
  const described: Described[] = [];
  // What the app will not do as the document says, told once per load, grouped.
  const notices = { unread: new Map<string, string[]>(), otherSchema: new Map<string, string[]>(), raw: new Map<string, string[]>(), ignored: new Map<string, string[]>() };
  const note = (map: Map<string, string[]>, what: string, opWhere: string) => {
    const list = map.get(what) ?? [];
    list.push(opWhere.slice(opWhere.indexOf('#') + 1));
    map.set(what, list);
  };
  const pathItems: Record<string, JsonObject> = {};
  const registry = new SecurityRegistry();
  const schemaList: Array<[string, unknown]> = [];

  for (const [template, itemValue] of Object.entries(paths)) {
    const itemWhere = `${where}#/paths/${escapePointer(template)}`;
    const item = follow(doc, itemValue, itemWhere);
    const ownFields = without(item, '$ref', 'parameters', ...METHODS);
    if (Object.keys(ownFields).length !== 0) pathItems[template] = ownFields;
    const itemParams = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of METHODS) {
      const opValue = item[method];
      if (opValue === undefined) continue;
      const opWhere = `${itemWhere}/${method}`;
      const op = follow(doc, opValue, opWhere);
      const key = typeof op.operationId === 'string' ? op.operationId : `${method.toUpperCase()} ${template}`;
      const handler = handlers[key];
      if (handler === undefined) {
        missing.push(key);
        continue;
      }
      found.add(key);
      const security = requirementsOf(op);
      described.push(describe(method, template, op, itemParams, opWhere, handler as SpecHandler<unknown>, security));
    }
  }

  const extra = Object.keys(handlers).filter((k) => !found.has(k));
  if (missing.length !== 0 || extra.length !== 0) {
    const parts: string[] = [];
    if (missing.length !== 0) parts.push(`no handler for ${missing.map((k) => `"${k}"`).join(', ')} (add ${missing.length === 1 ? 'it' : 'them'} to options.handlers)`);
    if (extra.length !== 0) parts.push(`handler${extra.length === 1 ? '' : 's'} ${extra.map((k) => `"${k}"`).join(', ')} match${extra.length === 1 ? 'es' : ''} no operation`);
    throw new Error(`wirecore/app: ${where}: ${parts.join('; ')}`);
  }
  for (const handler of Object.values(handlers)) if (typeof handler !== 'function') throw new TypeError('wirecore/app: every entry of options.handlers must be a function');

  for (const [name, schemeValue] of Object.entries(specSchemes)) {
    if (!used.has(name) && verification[name] === undefined) continue;
    const scheme = follow(doc, schemeValue, `${where}#/components/securitySchemes/${escapePointer(name)}`);
    registry.add(name, { ...scheme, ...verification[name] } as SecuritySchemeConfig);
  }

  function describe(method: string, template: string, op: JsonObject, pathParams: unknown[], opWhere: string, handler: SpecHandler<unknown>, security: SecurityRequirements | undefined): Described {
    const { path, aliases } = routerPath(template, opWhere);
    // Path-level parameters, overridden by the operation's own (same in and name).
    const params = new Map<string, JsonObject>();
    for (const [i, p] of [...pathParams, ...(Array.isArray(op.parameters) ? op.parameters : [])].entries()) {
      const param = follow(doc, p, `${opWhere}/parameters/${i}`);
      params.set(`${String(param.in)}:${param.in === 'header' ? String(param.name).toLowerCase() : String(param.name)}`, param);
    }
    const parts: Record<'path' | 'query' | 'header' | 'cookie', { properties: JsonObject; compiled: JsonObject; required: string[] }> = {
      path: { properties: {}, compiled: {}, required: [] },
      query: { properties: {}, compiled: {}, required: [] },
      header: { properties: {}, compiled: {}, required: [] },
      cookie: { properties: {}, compiled: {}, required: [] },
    };
    const overlayParams: JsonObject[] = [];
    const prepare: Record<'params' | 'query' | 'headers', Preparer[]> = { params: [], query: [], headers: [] };
    for (const [alias, name] of aliases) {
      prepare.params.push((value) => {
        if (alias in value) {
          value[name] = value[alias];
          delete value[alias];
        }
      });
    }
    for (const param of params.values()) {
      const location = param.in as keyof typeof parts;
      const name = String(param.name);
      const key = location === 'header' ? name.toLowerCase() : name;
      const usable = param.schema !== undefined && parts[location] !== undefined && !(location === 'header' && IGNORED_HEADERS.has(key));
      if (!usable) {
        overlayParams.push(param);
        continue;
      }
      overlayParams.push(without(param, 'schema'));
      parts[location].properties[key] = param.schema;
      parts[location].compiled[key] = shared.rewrite(param.schema);
      schemaList.push([`${opWhere} parameter ${name}`, param.schema]);
      if (location === 'path' || param.required === true) parts[location].required.push(key);
      const style = typeof param.style === 'string' ? param.style : location === 'query' || location === 'cookie' ? 'form' : 'simple';
      const explode = typeof param.explode === 'boolean' ? param.explode : style === 'form';
      if (isType(doc, param.schema, 'array')) {
        if (location === 'path') prepare.params.push(splitter(key, ','));
        else if (location === 'header') prepare.headers.push(splitter(key, /,\s*/));
        else if (location === 'query' && !explode) prepare.query.push(splitter(key, style === 'spaceDelimited' ? ' ' : style === 'pipeDelimited' ? '|' : ','));
      } else if (location === 'query' && style === 'deepObject') {
        const prefix = `${key}[`;
        prepare.query.push((value) => {
          const object: Record<string, unknown> = {};
          let any = false;
          for (const k of Object.keys(value)) {
            if (k.startsWith(prefix) && k.endsWith(']')) {
              object[k.slice(prefix.length, -1)] = value[k];
              delete value[k];
              any = true;
            }
          }
          if (any) value[key] = object;
        });
      }
    }
    const objectOf = (part: { properties: JsonObject; required: string[] }, props: JsonObject): TSchema | undefined =>
      Object.keys(props).length === 0 ? undefined : ({ type: 'object', properties: props, ...(part.required.length !== 0 ? { required: part.required } : {}) } as unknown as TSchema);
    const schema: { -readonly [K in keyof RouteSchema]: RouteSchema[K] } = {};
    const compileSchema: { -readonly [K in keyof RouteSchema]: RouteSchema[K] } = {};
    for (const [part, location] of [['params', 'path'], ['query', 'query'], ['headers', 'header'], ['cookies', 'cookie']] as const) {
      const p = parts[location];
      const s = objectOf(p, p.properties);
      if (s !== undefined) {
        schema[part] = s;
        compileSchema[part] = objectOf(p, p.compiled);
      }
    }

    // The body: one schema per operation, for the media types a parser reads.
    const overlay: JsonObject = {};
    let consumes: string[] | undefined;
    let parseBody = true;
    let bodyRequired = false;
    if (op.requestBody !== undefined && (method === 'get' || method === 'head')) {
      note(notices.ignored, method.toUpperCase(), opWhere);
      overlay.requestBody = op.requestBody;
    } else if (op.requestBody !== undefined) {
      const body = follow(doc, op.requestBody, `${opWhere}/requestBody`);
      const content = isObject(body.content) ? body.content : {};
      const types = Object.keys(content);
      if (types.length === 0) overlay.requestBody = body;
      const readable = types.filter((t) => t === '*/*' || app.settings.parsers.find(t.toLowerCase()) !== undefined);
      const mediaOf = (t: string) => (isObject(content[t]) ? (content[t] as JsonObject) : {});
      const jsonType = readable.find((t) => /^application\/(?:[\w.+-]+\+)?json$/i.test(t)) ?? readable.find((t) => mediaOf(t).schema !== undefined);
      const chosen = jsonType === undefined ? undefined : mediaOf(jsonType).schema;
      const validated = chosen !== undefined && !isBinary(doc, chosen);
      const sameSchema = (t: string) => JSON.stringify(mediaOf(t).schema) === JSON.stringify(chosen);
      const accepted = readable.filter((t) => !validated || mediaOf(t).schema === undefined || sameSchema(t));
      const refused = readable.filter((t) => !accepted.includes(t));
      for (const t of refused) note(notices.otherSchema, t, opWhere);
      if (accepted.length !== 0) for (const t of types) if (!readable.includes(t)) note(notices.unread, t, opWhere);
      if (types.length === 0) {
        parseBody = false;
      } else if (accepted.length === 0) {
        note(notices.raw, types.join(', '), opWhere);
        // Nothing a parser reads (multipart…): the handler reads c.req.body itself.
        parseBody = false;
        overlay.requestBody = body;
      } else {
        consumes = accepted.includes('*/*') ? undefined : accepted.map((t) => t.toLowerCase());
        bodyRequired = body.required === true;
        if (validated) {
          schema.body = chosen as TSchema;
          compileSchema.body = shared.rewrite(chosen) as TSchema;
          schemaList.push([`${opWhere}/requestBody`, chosen]);
          const overlayContent: JsonObject = {};
          for (const t of types) overlayContent[t] = accepted.includes(t) && sameSchema(t) ? without(mediaOf(t), 'schema') : mediaOf(t);
          overlay.requestBody = { ...without(body, 'content'), content: overlayContent };
        } else {
          overlay.requestBody = body;
        }
      }
    }

    // Responses: a numeric status with an application/json schema is serialized by it.
    const responses: Record<number, TSchema> = {};
    const compiledResponses: Record<number, TSchema> = {};
    const overlayResponses: JsonObject = {};
    for (const [status, value] of Object.entries(isObject(op.responses) ? op.responses : {})) {
      const response = follow(doc, value, `${opWhere}/responses/${status}`);
      const content = isObject(response.content) ? response.content : undefined;
      const json = content !== undefined && isObject(content['application/json']) ? (content['application/json'] as JsonObject) : undefined;
      const code = Number(status);
      if (/^[1-5]\d\d$/.test(status) && json?.schema !== undefined && !isBinary(doc, json.schema)) {
        responses[code] = json.schema as TSchema;
        compiledResponses[code] = shared.rewrite(json.schema) as TSchema;
        schemaList.push([`${opWhere}/responses/${status}`, json.schema]);
        overlayResponses[status] = { ...response, content: { ...content, 'application/json': without(json, 'schema') } };
      } else {
        overlayResponses[status] = response;
      }
    }
    if (Object.keys(responses).length !== 0) {
      schema.response = responses;
      compileSchema.response = compiledResponses;
    }
    overlay.responses = overlayResponses;
    if (overlayParams.length !== 0) overlay.parameters = overlayParams;
    for (const [k, v] of Object.entries(op)) if (!OPERATION_FIELDS_DERIVED.has(k)) overlay[k] = v;

    const definition = {
      method: method.toUpperCase(),
      path,
      handler,
      schema: schema as RouteSchema,
      ...(consumes !== undefined ? { consumes } : {}),
      parseBody,
      bodyRequired,
      ...(typeof op.operationId === 'string' ? { operationId: op.operationId } : {}),
      ...(typeof op.summary === 'string' ? { summary: op.summary } : {}),
      ...(typeof op.description === 'string' ? { description: op.description } : {}),
      ...(Array.isArray(op.tags) ? { tags: op.tags as string[] } : {}),
      ...(security !== undefined ? { security } : {}),
      ...(op.deprecated === true ? { deprecated: true } : {}),
      openapi: overlay,
    };
    const preparers = { params: chain(prepare.params), query: chain(prepare.query), headers: chain(prepare.headers) };
    return { definition, where: opWhere, template, compileSchema: compileSchema as RouteSchema, prepare: preparers };
  }

  const log = app.settings.logger;
  for (const [type, ops] of notices.unread) log.warn({ spec: where, mediaType: type, operations: ops }, `no body parser reads ${type} (add it in options.bodyParsers): such requests are answered 415`);
  for (const [type, ops] of notices.otherSchema) log.warn({ spec: where, mediaType: type, operations: ops }, `${type} bodies have another schema than the operation's JSON body, and one body schema per operation is checked: such requests are answered 415`);
  for (const [m, ops] of notices.ignored) log.warn({ spec: where, operations: ops }, `${m} bodies are not read: the requestBody stays in the document only`);
  for (const [types, ops] of notices.raw) log.warn({ spec: where, mediaType: types, operations: ops }, `no body parser reads ${types}: the handler reads c.req.body itself, unvalidated`);
  // Every schema is checked before any is compiled; the compiler then knows the document's annotations and formats.
  const componentSchemas = isObject(components.schemas) ? components.schemas : {};
  for (const [name, s] of Object.entries(componentSchemas)) schemaList.push([`${where}#/components/schemas/${escapePointer(name)}`, s]);
  checkSchemaRefs(doc, schemaList);
  const compiler = new SchemaCompiler(app.schemaOptions, { dialect: raw.version === '3.1' ? '2020-12' : 'draft-07', annotations: [...shared.annotations], openFormats: [...shared.openFormats] });
  compiler.addShared({ $id: shared.id, $defs: shared.defs });
  const routes = described.flatMap((d) =>
    app.prepare(d.definition as never, '', app.scope, d.where, { compiler, compileSchema: d.compileSchema, security: registry, openapiPath: d.template, origin, prepare: d.prepare }),
  );
  return { routes, base: baseOf(doc, pathItems), origin };
}

function baseOf(doc: JsonObject, pathItems: Record<string, JsonObject>): DocumentBase {
  const base = without(doc, 'paths') as DocumentBase;
  if (Object.keys(pathItems).length !== 0) base.pathItems = pathItems;
  return base;
}
