// The app suite's routes as a bare wirecore dispatch: the same work as
// wirecore/app (the same ajv validators and fast-json-stringify serializers),
// written by hand with no router, context or pipeline. Runtime from argv[2].
import buildSerializer from 'fast-json-stringify';
import { serveGeneric, type DispatchFn, type RuntimeName } from 'wirecore';
import { HELLO, User, compileValidators, created, userById, type NewUserValue } from './app-routes.js';

const { checkParams, checkBody } = compileValidators();
const serializeUser = buildSerializer(User as unknown as Parameters<typeof buildSerializer>[0]) as (value: unknown) => string;
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };
const PROBLEM_HEADERS = { 'content-type': 'application/problem+json' };

const problem = (status: number, detail: string) => ({ status, headers: PROBLEM_HEADERS, body: JSON.stringify({ type: 'about:blank', status, detail }) });

const dispatch: DispatchFn<null> = async (_ctx, req, res) => {
  const path = req.path;
  if (path === '/hello' && req.method === 'GET') return res.send({ headers: JSON_HEADERS, body: JSON.stringify(HELLO) });
  if (path.startsWith('/users/') && req.method === 'GET') {
    const params = { id: path.slice(7) as unknown };
    if (!checkParams(params)) return res.send(problem(400, JSON.stringify(checkParams.errors)));
    return res.send({ headers: JSON_HEADERS, body: serializeUser(userById(params.id as number)) });
  }
  if (path === '/users' && req.method === 'POST') {
    if (req.headers.get('content-type')?.split(';')[0]?.trim() !== 'application/json') return res.send(problem(415, 'application/json only'));
    const text = await req.body.text();
    // The app refuses prototype-poisoning keys; the same scan here.
    if (text.includes('__proto__') || text.includes('constructor')) return res.send(problem(400, 'forbidden key'));
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return res.send(problem(400, 'malformed JSON'));
    }
    if (!checkBody(body)) return res.send(problem(400, JSON.stringify(checkBody.errors)));
    return res.send({ status: 201, headers: JSON_HEADERS, body: serializeUser(created(body as NewUserValue)) });
  }
  return res.send(problem(404, 'no route'));
};

const server = await serveGeneric(null, dispatch, { runtime: (process.argv[2] ?? 'net') as RuntimeName, port: 0 });
console.log(`READY ${server.port}`);
