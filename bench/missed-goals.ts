// What the profiles show stands in the way of a goal, for BENCH.md's
// "missed" list. Keyed by the start of the goal's name (suite prefix
// included); a missed goal with no entry says it was not profiled.

export const WHAT_STANDS_IN_THE_WAY: ReadonlyArray<readonly [prefix: string, account: string]> = [
  [
    'parser micro',
    'The parse itself is llhttp in WebAssembly; the rest is making JS strings of every field name and value (a latin1Slice each) and the callbacks across the wasm boundary. The next step, header strings made lazily from offsets in one typed array, is not built: it changes what every consumer of rawHeaders receives.',
  ],
  [
    'net pipelined',
    'The floor answers sixteen requests with one constant write. wirecore builds a request, an exchange and a writer per request, runs the async dispatch and frames each answer (the writes of one read are corked together): per-request object work, not the socket.',
  ],
  [
    'uws pipelined',
    "uWS parses the sixteen requests of a read in C++. Per request wirecore reads method, URL and every header across the boundary (as the floor does), then builds an exchange and a writer, re-checks the head uWS parsed leniently (checkFraming + checkHead: 3.2% of the process), registers onAborted, and writes the status and each header with its own native call (writeHead + write: 9.8%); handle() itself is 7% (profile of 2026-12-06, wrk pipelined ×16).",
  ],
  [
    'node-http',
    "node:http's own work is most of the process (its parser callbacks, IncomingMessage and ServerResponse, writev: 27% in writev alone); wirecore adds its exchange, writer and dispatch on top of a full node:http request and response, about ten functions at 0.3–0.8% each: no single hotspot is left.",
  ],
  [
    "Hono plaintext on net",
    "writeResponse is mostly the socket write; the difference is Hono's own Context and router (hono-base fetch, the RegExp router) and the lazy Request (lazyRequest 1.1%, the client's host and scheme 1.0%).",
  ],
  ['p99 on net, 1,000 connections opened as the clock starts', 'The accept queue: see the note above the 1,000-connection table. The row after it measures the same connections once open.'],
  [
    'proxy: plaintext with PROXY v2 ÷ without (uws)',
    "uWS gives the peer per request, not per connection: two native calls that each return a new ArrayBuffer (the balancer's address and the client's), then their text. The trust answer is remembered per balancer address (0.70× → 0.88× in one A/B on 2026-12-06; another gave 0.60–0.87× per round, split in two, not explained); uWS.js's HTTP API has no per-connection hook to do the rest once.",
  ],
  [
    'tracing: tracing with the SDK',
    "The SDK's span per request (ids, attributes, the batch processor's queue) costs about the same time on every runtime; on uws, where everything else is cheaper, it is the larger share.",
  ],
  ['ffi: ffi pooled', 'Each pooled call crosses to the worker pool and back once per request; crossing once per batch of requests is not built.'],
  ['WebSocket broadcast, uws', "wirecore's publish is one call into uWS's own app.publish after checking the topic and data; the rounds spread wider than the gap."],
];

/** The account for a goal, or undefined when none was written. */
export function accountFor(name: string): string | undefined {
  return WHAT_STANDS_IN_THE_WAY.find(([prefix]) => name.startsWith(prefix))?.[1];
}
