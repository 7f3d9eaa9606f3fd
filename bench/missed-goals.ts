// What the profiles show stands in the way of a goal, for BENCH.md's
// "missed" list. Keyed by the start of the goal's name (suite prefix
// included); a missed goal with no entry says it was not profiled.

export const WHAT_STANDS_IN_THE_WAY: ReadonlyArray<readonly [prefix: string, account: string]> = [
  [
    'parser micro, 300-byte GET with strings',
    "The difference from the no-field-read row is making the sixteen field strings: slices of the chunk's string (V8 copies a short one, a long one is a view), about 270 ns of the ~900 ns on 2026-12-06, where Node's binding makes its strings in C++. The head itself is one latin1Slice and one compiled regular expression over the bytes, then a loop over the lines.",
  ],
  [
    'parser micro, 300-byte GET with no field read',
    "A canonical head costs one latin1Slice of the chunk and one compiled regular expression over it (together ~250 ns of ~630 ns on 2026-12-06), then the loop over its lines and the head object; field strings are made only when read.",
  ],
  [
    'net keep-alive',
    "0.83× two runs back, 0.77× and 0.70× since, with rounds spreading 0.57–1.06×: one bench run's rounds move with the VM's speed. Measured paired on 2026-12-06 (both servers up, 2 s wrk runs alternating back to back, server and wrk pinned apart, 8 rounds): wirecore net ÷ the ceiling 0.99× (0.95–1.50×): at 64 connections both are bound by the same socket writes and by wrk. Against the start of that day's work, net plaintext is unchanged (6 paired rounds, median 0.98×).",
  ],
  [
    'uws keep-alive',
    "Met on 2026-12-06 (0.92×) after a miss at 0.86× (rounds 0.71–0.99×). That day uws stopped making an abort handler for an answer ended in its handler and the server's open connections became a linked list: paired (both up, alternating 2 s runs), plaintext +3% (8 rounds), pipelined +8% (10 rounds, 1.06–1.10×); wirecore uws ÷ the read floor paired: 1.01× (0.84–1.11×).",
  ],
  [
    'net pipelined',
    'The floor answers sixteen requests with one constant write. wirecore builds a request, an exchange and a writer per request, runs the async dispatch and frames each answer (the writes of one read are corked together): per-request object work, not the socket.',
  ],
  [
    'uws pipelined',
    "uWS parses the sixteen requests of a read in C++. Per request wirecore reads method, URL and every header across the boundary (as the floor does), then builds an exchange and a writer, re-checks the head uWS parsed leniently (checkFraming + checkHead: 3.2% of the process), registers onAborted (later that day: only for an answer not ended in the handler), and writes the status and each header with its own native call (writeHead + write: 9.8%); handle() itself is 7% (--cpu-prof, wrk pipelined ×16, 2026-12-06). perf on the same load spreads the rest thinly: the binding's string conversions for every name and value (WriteUtf8, Utf8Length, NewStringFromUtf8: 3.5%), the persistent handle onAborted makes and drops per request (1.8%), hashing fresh strings for the Set lookups (2.1%; the server's Set of connections, one of them, is now a linked list). Removing the two closures of writeWhole and the one of the field callback measured no change (6 alternating rounds).",
  ],
  [
    'node-http',
    "node:http's own work is most of the process (its parser callbacks, IncomingMessage and ServerResponse, writev: 27% in writev alone); strace under load counts the same system calls per request as node:http alone (one read, one writev). wirecore adds its exchange, writer and dispatch on top of a full node:http request and response, about ten functions at 0.3–0.8% each: no single hotspot is left. Paired on 2026-12-06 (both up, alternating 2 s runs, 8 rounds): 0.86× (0.85–0.89×).",
  ],
  [
    "Hono plaintext on net",
    "A handler that answers at once is now written in the same turn (48.8k → 52.7k req/s, 5 alternating rounds on 2026-12-06). The rest is Hono's own Context and router (hono-base fetch, the RegExp router: about 2% of the process) and the lazy Request (the client's host and scheme for request.url: 1.0%); the socket write is 40%.",
  ],
  [
    'app: app on net ÷ Fastify, app-hello',
    "The app's own rate did not move (48,847 req/s the run before, 48,844 in the 2026-12-06 run); Fastify's median did (22,749 → 33,273), and the run before measured 2.15×. Paired (both up, alternating 2 s runs, 6 rounds, 2026-12-06): 1.51× (1.44–1.77×).",
  ],
  [
    'app: app on net ÷ Fastify, app-create',
    "Per request the app does what Fastify does: it parses the 1 KiB body with secure-json-parse (4.2% of the process) and validates it with ajv (3.1%); the socket write is 28% (--cpu-prof, 2026-12-06). So the ratio is the wire layer's around the same work: 1.63× the run before, 1.35× paired on 2026-12-06 (6 rounds, 1.25–1.57×); the app's own rate did not move that day (6 paired rounds against the start of the day's work, median 1.0×).",
  ],
  [
    'ffi: ffi inline ÷ JS hello, keep-alive (uws)',
    'Met the run before (0.94×); the rounds of the 2026-12-06 run spread 0.41–1.20×. Paired that day (both up, alternating 2 s runs, 6 rounds): 1.01× (0.98–1.24×).',
  ],
  [
    'ssr: prerendered page',
    "The page leaves as one prebuilt buffer per request (sendStatic; the write of its 14.7 KB is 34% of the process), and the server sat idle 28% of the profile waiting for wrk, which reads ~680 MB/s of pages on its one core: the load generator caps the ratio, not the server (--cpu-prof, 2026-12-06). Paired that day (6 rounds): 1.79× (1.22–1.94×); 1.82× the run before.",
  ],
  [
    'tracing: tracing on, no SDK registered ÷ no tracing, keep-alive (uws)',
    'Met the run before (1.05×); the rounds of the 2026-12-06 run spread 0.62–1.33×. Paired that day (both up, alternating 2 s runs, 6 rounds): 1.02× (1.01–1.17×).',
  ],
  [
    "Hono's streamed answer",
    "Hono's stream() helper, not the wire: each answer builds a TransformStream and its ReadableStream in Node's WHATWG streams (makeTransferable 4.4%, an AbortSignal per stream, the readers' and writers' promise machinery), and Hono UTF-8-encodes each 4 KiB string chunk with TextEncoder (encode + encodeUtf8String: 7%); wirecore's reading of the body (pump, next, peek) is about 3% (--cpu-prof on 2026-12-06). Under strace the answer leaves in ~9 writes against the plain answer's 5. The peer a user would pick, Hono on @hono/node-server, serves this route at the same rate (the 64 KiB table).",
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
  [
    'ffi: ffi pooled',
    "Calls and results already cross in batches (shared-memory rings; one wake-up of the event loop collects every finished call). What is left is the threads taking turns: with the server pinned to one core, perf puts 42% of the process in the kernel switching between the event loop and the pool threads (futex waits and wakes). Waking the event loop only when it waits measured no change; one pool thread instead of the default four gave about +10% here (5 rounds on 2026-12-06), but the default stays four for handlers that block.",
  ],
  [
    'idle keep-alive connection',
    "An idle connection holds no parser and no output batch (they go back to the server's spares when a read leaves it idle), no entry in a Set of connections (the open connections are a list linked through them) and no boxed deadline (the clock counts from the server's start). What it still holds on the heap: Connection (176 B), SocketTransport (64 B), the property tying the socket to it (40 B) and the array Node makes when a second 'end' listener joins its own (~56 B). The rest is where the collector leaves it: after a full GC, 10,000 connections add ~200 B each more used heap than node:net alone but ~660 B each more old-space capacity (V8's heap statistics, 2026-12-06): pages the per-request objects promoted while connections opened left partly empty. The rounds spread widely (598–929 B in the 2026-12-06 run, 501–679 B in four runs of 3–7 rounds that day).",
  ],
  ['WebSocket broadcast, uws', "wirecore's publish is one call into uWS's own app.publish after checking the topic and data; the rounds spread wider than the gap."],
];

/** The account for a goal, or undefined when none was written. */
export function accountFor(name: string): string | undefined {
  return WHAT_STANDS_IN_THE_WAY.find(([prefix]) => name.startsWith(prefix))?.[1];
}
