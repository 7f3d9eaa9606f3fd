// Cases only wirecore/fetch targets run: what a fetch app's answers carry on
// the wire (issue 17): the Content-Type a string body implies, the length
// HEAD states (the app's, or the GET answer's), a stream with a stated
// Content-Length, and an empty POST body as an empty stream.
import { get, ok, post, type Case, type ExpectedResponse } from '../case.js';

const head = (path: string) => `HEAD {P}${path} HTTP/1.1\r\nHost: parity\r\n\r\n`;

const fetchCase = (id: string, title: string, request: string, first: ExpectedResponse, extra: Partial<Case> = {}): Case => ({
  id,
  category: 'wirecore/fetch',
  title,
  send: [request + get()],
  expect: { kind: 'accept', responses: [first, ok()] },
  consumer: 'fetch',
  ...extra,
});

export const fetchCases: Case[] = [
  fetchCase('fetch-text-type', 'c.text(): the Content-Type the fetch standard gives a string body, and its length', get('/text'), {
    status: 200,
    body: 'hello',
    chunked: false,
    headers: { 'content-type': 'text/plain;charset=UTF-8', 'content-length': '5' },
  }),
  fetchCase('fetch-head-derived', 'HEAD of a GET answer states its length', head('/text'), { status: 200, body: '', headers: { 'content-length': '5' } }, { headRequests: [0] }),
  fetchCase('fetch-head-stated', 'HEAD with a stated Content-Length and a null body sends it as it is', head('/sized'), { status: 200, body: '', headers: { 'content-length': '17' } }, {
    headRequests: [0],
  }),
  fetchCase('fetch-stated-stream', 'a stream with a stated Content-Length goes out with it, not chunked', get('/stated-stream'), {
    status: 200,
    body: 'abbccc',
    chunked: false,
    headers: { 'content-length': '6' },
  }, { features: ['async-pipelining'] }),
  fetchCase('fetch-empty-body', 'a POST with Content-Length: 0 gives the app an empty body stream', post('', '', '/body-kind'), { status: 200, body: 'stream of 0 bytes' }),
];
