// Hono on @hono/node-server with the app suite's routes, validated with the
// same schemas through ajv in hono/validator (Hono has no schema serializer: c.json).
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { validator } from 'hono/validator';
import { HELLO, compileValidators, created, userById, type NewUserValue } from './app-routes.js';

const { checkParams, checkBody } = compileValidators();

const app = new Hono()
  .get('/hello', (c) => c.json(HELLO))
  .get(
    '/users/:id',
    validator('param', (value, c) => {
      const params = { ...value } as Record<string, unknown>;
      return checkParams(params) ? (params as { id: number }) : c.json({ errors: checkParams.errors }, 400);
    }),
    (c) => c.json(userById(c.req.valid('param').id)),
  )
  .post(
    '/users',
    validator('json', (value, c) => (checkBody(value) ? (value as NewUserValue) : c.json({ errors: checkBody.errors }, 400))),
    (c) => c.json(created(c.req.valid('json')), 201),
  );

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => console.log(`READY ${info.port}`));
