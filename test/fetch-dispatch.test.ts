// toDispatch: a fetch handler that answers at once is written in the same
// turn (no promise job in between, so a read's answers leave in one write);
// one that returns a promise, throws, or rejects is answered as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatchFn, Logger } from 'wirecore';
import { installLightResponse, toDispatch } from 'wirecore/fetch';
import { exchangeBytes, parseResponses } from 'wirecore/testing';

const quiet: Logger = { error: () => {}, warn: () => {} };

function handler(request: Request): Response | Promise<Response> {
  const path = new URL(request.url).pathname;
  if (path === '/sync') return new Response('sync');
  if (path === '/async') return Promise.resolve(new Response('async'));
  if (path === '/throw') throw new Error('sync throw');
  if (path === '/reject') return Promise.reject(new Error('async reject'));
  return new Response('missing', { status: 404 });
}

describe('toDispatch', () => {
  // As serveFetch runs it: a string body is at hand, so only the handler's own promise can delay the answer.
  let restore: () => void;
  beforeAll(() => {
    restore = installLightResponse();
  });
  afterAll(() => restore());

  it('writes a synchronous answer before the dispatch returns, and a promised one after', async () => {
    const dispatch = toDispatch(handler);
    const sentOnReturn: Array<[string, boolean]> = [];
    const watched: DispatchFn<null> = (ctx, req, res) => {
      const result = dispatch(ctx, req, res);
      sentOnReturn.push([req.path, res.headersSent]);
      return result;
    };
    const requests = ['/sync', '/async'].map((path) => `GET ${path} HTTP/1.1\r\nhost: a\r\n\r\n`).join('');
    const bytes = await exchangeBytes(null, watched, Buffer.from(`${requests}GET /sync HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n`, 'latin1'));
    const { responses } = parseResponses(bytes, { eof: true });
    expect(responses.map((r) => r.body.toString())).toEqual(['sync', 'async', 'sync']);
    expect(sentOnReturn).toEqual([
      ['/sync', true],
      ['/async', false],
      ['/sync', true],
    ]);
  });

  it('answers a synchronous throw and a rejection with 500, and the connection goes on', async () => {
    const requests = ['/throw', '/reject', '/sync'].map((path, i) => `GET ${path} HTTP/1.1\r\nhost: a\r\n${i === 2 ? 'connection: close\r\n' : ''}\r\n`).join('');
    const bytes = await exchangeBytes(null, toDispatch(handler), Buffer.from(requests, 'latin1'), { logger: quiet });
    const { responses } = parseResponses(bytes, { eof: true });
    expect(responses.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(responses[2]!.body.toString()).toBe('sync');
  });
});
