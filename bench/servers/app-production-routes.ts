// The routes every server of the app-production suite serves
// (bench/suites/app-production.ts): GET /secure behind an HS256 JWT bearer
// token, and GET /catalog, a ~9 KiB JSON answer gzipped for clients that
// accept it. The token is fixed (no expiry), the same bytes as in
// bench/wrk/app-jwt.lua.
import { createHmac } from 'node:crypto';
import { Type } from '@sinclair/typebox';

export const JWT_SECRET = 'bench-jwt-secret-that-is-32-byte';

function sign(payload: object): string {
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
  return `${input}.${createHmac('sha256', JWT_SECRET).update(input).digest('base64url')}`;
}

/** What bench/wrk/app-jwt.lua sends as `Authorization: Bearer <token>`. */
export const BENCH_TOKEN = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJiZW5jaCIsInNjb3BlIjoiY2F0YWxvZzpyZWFkIn0.ffxjzzJ4Q4RR6sp9MerHGF6n8OYEZlW-LAE_7WvoIJo';
if (sign({ sub: 'bench', scope: 'catalog:read' }) !== BENCH_TOKEN) throw new Error('BENCH_TOKEN must be the HS256 token of {sub:"bench",scope:"catalog:read"}: update it here and in bench/wrk/app-jwt.lua');

export const Whoami = Type.Object({ sub: Type.String(), scope: Type.String() });

export const CatalogItem = Type.Object({
  id: Type.Integer(),
  sku: Type.String(),
  name: Type.String(),
  price: Type.Number(),
  inStock: Type.Boolean(),
  tags: Type.Array(Type.String()),
});
export const Catalog = Type.Array(CatalogItem);

/** About 9 KiB of JSON: what a list endpoint answers. */
export const CATALOG = Array.from({ length: 80 }, (_, i) => ({
  id: i + 1,
  sku: `SKU-${String(i + 1).padStart(5, '0')}`,
  name: `Catalog item number ${i + 1}`,
  price: Math.round((i + 1) * 3.75 * 100) / 100,
  inStock: i % 3 !== 0,
  tags: ['catalog', i % 2 === 0 ? 'even' : 'odd'],
}));
