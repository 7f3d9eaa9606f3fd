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
    "Met in the run before this one (0.83×). On this VM the speed moved 2× within minutes and the rounds spread 0.59–0.85×; the one thing this stop added to that path per read (taking a parser and an output from the spares and handing them back) measured no difference in process (8 alternating rounds: median 10.0 µs a read with and without).",
  ],
  [
    'uws keep-alive',
    'Met in the run before this one (0.91×); nothing on the uws path changed since but fewer allocations in the shared pipeline, and the rounds of the run that missed it spread 0.71–0.99×.',
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
    "node:http's own work is most of the process (its parser callbacks, IncomingMessage and ServerResponse, writev: 27% in writev alone); strace under load counts the same system calls per request as node:http alone (one read, one writev). wirecore adds its exchange, writer and dispatch on top of a full node:http request and response, about ten functions at 0.3–0.8% each: no single hotspot is left.",
  ],
  [
    "Hono plaintext on net",
    "A handler that answers at once is now written in the same turn (48.8k → 52.7k req/s, 5 alternating rounds on 2026-12-06). The rest is Hono's own Context and router (hono-base fetch, the RegExp router: about 2% of the process) and the lazy Request (the client's host and scheme for request.url: 1.0%); the socket write is 40%.",
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
    "Since 2026-12-06 an idle connection holds no parser and no output batch: they go back to the server's spares when a read leaves it idle (heap snapshot diff, 2,000 connections: RequestParser 160 B and Output 104 B no longer per connection). Later that day the server's open connections are a list linked through the connections (no Set entry, which was ~20–80 B with the table's slack) and a deadline counts ms from the server's start (a small integer: an epoch ms was a 16 B heap number per connection). What it still holds: Connection (176 B), SocketTransport (64 B), the property tying the socket to it (40 B) and the array Node makes when a second 'end' listener joins its own (~56 B). The rest of the RSS gap is the collector's: both servers grow the young generation to its 32 MiB cap while 10,000 connections open, and RSS keeps what was touched.",
  ],
  ['WebSocket broadcast, uws', "wirecore's publish is one call into uWS's own app.publish after checking the topic and data; the rounds spread wider than the gap."],
];

/** The account for a goal, or undefined when none was written. */
export function accountFor(name: string): string | undefined {
  return WHAT_STANDS_IN_THE_WAY.find(([prefix]) => name.startsWith(prefix))?.[1];
}
