// The routes and schemas every server of the app suite serves (bench/suites/app.ts):
// GET /hello (JSON, no schema), GET /users/:id (params and response schemas),
// POST /users (a 1 KiB body checked by schema, 201 with a response schema).
import { Type, type Static } from '@sinclair/typebox';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';

export const UserParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const User = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  email: Type.String(),
});

export const NewUser = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  email: Type.String({ format: 'email' }),
  age: Type.Integer({ minimum: 0, maximum: 150 }),
  tags: Type.Array(Type.String({ maxLength: 32 }), { maxItems: 16 }),
  bio: Type.String({ maxLength: 2000 }),
});

export type UserValue = Static<typeof User>;
export type NewUserValue = Static<typeof NewUser>;

export const HELLO = { hello: 'world' };

export function userById(id: number): UserValue {
  return { id, name: `user-${id}`, email: `user${id}@example.com` };
}

let nextId = 0;
/** Nothing is stored: a load run must not grow the heap. */
export function created(body: NewUserValue): UserValue {
  nextId = (nextId + 1) % 1_000_000;
  return { id: nextId + 1, name: body.name, email: body.email };
}

/** Exactly 1024 bytes; bench/wrk/app-create-user.lua sends the same. */
export const NEW_USER_1K = `{"name":"Ada Lovelace","email":"ada@example.com","age":36,"tags":["math","engines","poetry"],"bio":"${'x'.repeat(922)}"}`;
if (Buffer.byteLength(NEW_USER_1K) !== 1024) throw new Error('the POST body must be 1 KiB');

/** The ajv validators the hand-written peers share (wirecore/app compiles its own the same way): params coerced, bodies exact. */
export function compileValidators() {
  const Ajv = AjvModule.default ?? AjvModule;
  const addFormats = addFormatsModule.default ?? addFormatsModule;
  const coercing = new Ajv({ coerceTypes: 'array', allErrors: true, useDefaults: true });
  const exact = new Ajv({ allErrors: true, useDefaults: true });
  addFormats(coercing);
  addFormats(exact);
  return { checkParams: coercing.compile(UserParams), checkBody: exact.compile(NewUser) };
}
