// wirecore/ssr's own cases (parity/targets/ssr.ts and parity/ssr-site): a
// prerendered page from the static cache with its 304, a streamed page,
// public files with a byte range, and every way out of public/ refused.
import type { Case } from '../case.js';

const C = 'ssr (wirecore/ssr targets only)';
const consumer = 'ssr';
const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: parity\r\n${extra}\r\n`;
const STREAMED = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Streamed</title></head><body>items: a, b, c</body></html>';

const refused = (id: string, title: string, path: string, status: number): Case => ({
  id,
  category: C,
  consumer,
  title,
  send: [get(path)],
  expect: { kind: 'accept', responses: [{ status, headers: { location: null } }] },
});

export const ssrCases: Case[] = [
  {
    id: 'ssr-prerendered',
    category: C,
    consumer,
    title: 'a prerendered page comes from the static cache with Content-Length, an ETag and a current Date',
    send: [get('/prerendered')],
    expect: { kind: 'accept', responses: [{ status: 200, chunked: false, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', date: 'now' } }] },
  },
  {
    id: 'ssr-prerendered-304',
    category: C,
    consumer,
    title: 'a prerendered page answers If-None-Match: * with 304 and no body',
    send: [get('/prerendered', 'If-None-Match: *\r\n')],
    expect: { kind: 'accept', responses: [{ status: 304, body: '', headers: { 'cache-control': 'no-cache', 'content-type': null } }] },
  },
  {
    id: 'ssr-prerendered-stale',
    category: C,
    consumer,
    title: 'a prerendered page answers an ETag it does not have with the page',
    send: [get('/prerendered', 'If-None-Match: W/"older-build"\r\n')],
    expect: { kind: 'accept', responses: [{ status: 200, chunked: false }] },
  },
  {
    id: 'ssr-streamed',
    category: C,
    consumer,
    title: 'a page rendered per request streams chunked: document head, body, closing tags',
    send: [get('/streamed')],
    expect: { kind: 'accept', responses: [{ status: 200, chunked: true, body: STREAMED, headers: { 'content-type': 'text/html; charset=utf-8' } }] },
  },
  {
    id: 'ssr-streamed-head',
    category: C,
    consumer,
    title: 'HEAD of a streamed page has no body',
    send: ['HEAD /streamed HTTP/1.1\r\nHost: parity\r\n\r\n'],
    headRequests: [0],
    expect: { kind: 'accept', responses: [{ status: 200, body: '' }] },
  },
  {
    id: 'ssr-public-range',
    category: C,
    consumer,
    title: 'a byte range of a public file is 206 with Content-Range',
    send: [get('/hello.txt', 'Range: bytes=0-4\r\n')],
    expect: { kind: 'accept', responses: [{ status: 206, body: 'hello', headers: { 'content-range': 'bytes 0-4/12', 'content-length': '5' } }] },
  },
  refused('ssr-dot-segments', 'a dot segment in the path is 400', '/../hello.txt', 400),
  refused('ssr-encoded-dots', 'encoded dot segments are 400', '/%2e%2e/%2E%2E/etc/passwd', 400),
  refused('ssr-encoded-slash-dots', 'dot segments behind encoded slashes are 400', '/..%2f..%2fetc%2fpasswd', 400),
  refused('ssr-encoded-nul', 'an encoded NUL is 400', '/hello.txt%00.html', 400),
  refused('ssr-symlink-out', 'a symlink out of public/ is not served (404)', '/link-out.txt', 404),
  refused('ssr-scheme-relative', 'a trailing slash on //host is a 404, never a redirect off the site', '//evil.example/', 404),
];
