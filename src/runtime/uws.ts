// The `uws` runtime: uWebSockets.js accepts, parses and frames. The binding
// starts in the route handler (read the request while uWS allows it) and
// ends at uWS's response calls (uws-exchange.ts); the shared pipeline runs
// between. What uWS cannot be made to do is listed in PARITY.md.
import { BODY_CHUNKED } from '../parser/head.js';
import { uwsProxiedPeer } from '../proxy/uws-proxy.js';
import { admitHead, isRejection } from './admission.js';
import type { ServerCore } from './core.js';
import { declaresBody } from './uws-heads.js';
import { setInUwsHandler, UwsExchange } from './uws-exchange.js';
import type { UwsRequest, UwsResponse } from './uws-loader.js';

/** uWS's parser leaves framing and target-character checks to wirecore, and enforces its own header limit by dropping the connection. */
const UWS_GAPS = { framing: true, headerBytes: true, target: true };

function handle(core: ServerCore<unknown>, res: UwsResponse, uwsReq: UwsRequest, upgradeContext: unknown = null): void {
  const proxyProtocol = core.options.proxyProtocol;
  const peer = proxyProtocol === null ? null : uwsProxiedPeer(proxyProtocol, core.options.logger, res.getRemoteAddressAsText(), res.getProxiedRemoteAddressAsText());
  if (peer === null && proxyProtocol !== null) {
    res.close();
    return;
  }
  const method = uwsReq.getCaseSensitiveMethod();
  const query = uwsReq.getQuery();
  const target = query ? `${uwsReq.getUrl()}?${query}` : uwsReq.getUrl();
  const headers: string[] = [];
  // uWS hands names over lower-cased.
  uwsReq.forEach((name, value) => void headers.push(name, value));
  const ex = new UwsExchange(core, res, method, headers, upgradeContext);
  try {
    if (peer !== null) ex.proxied(peer.remoteAddress, peer.proxy);
    // onResponse (an access log) reads the address once uWS has let go of the response: take it while it can be read.
    else if (core.options.onResponse !== undefined) void ex.remoteAddress;
    // uWS does not tell the version; it only hands over HTTP/1.1-shaped requests.
    const head = admitHead(core.options, UWS_GAPS, method, target, 1, 1, headers);
    // A refused head may still be followed by a body: it is read (and dropped) so the refusal can linger.
    if (isRejection(head)) {
      ex.refuse(head);
      ex.arriving = declaresBody(headers);
    } else if (head.bodyKind === BODY_CHUNKED) {
      // uWS decodes chunk framing itself, leniently (spaces or a bare LF after a size), out of wirecore's sight.
      ex.refuse({ status: 411, reason: 'A request body needs a Content-Length on this server' });
      ex.arriving = true;
    } else {
      ex.prepare(head, ex);
      ex.arriving = ex.body !== null;
    }
    if (ex.arriving) {
      ex.watchAbort();
      res.onData((chunk, isLast) => {
        // uWS neuters the chunk on return: copy it.
        if (chunk.byteLength > 0) ex.body?.push(Buffer.from(new Uint8Array(chunk)));
        if (isLast) ex.body?.end(null);
        ex.bodyArrived(isLast);
      });
    }
    ex.start();
  } finally {
    // uWS ends the process when its handler leaves a response open without an abort handler, whatever went wrong above.
    ex.watchAbort();
  }
}

/** uWS's route handler: runs the pipeline while uWS has the socket corked (writes need no cork of their own then). */
export function serveUwsRequest(core: ServerCore<unknown>, res: UwsResponse, req: UwsRequest, upgradeContext: unknown = null): void {
  setInUwsHandler(true);
  try {
    handle(core, res, req, upgradeContext);
  } finally {
    setInUwsHandler(false);
  }
}
