// Dev reload over the wire layer's WebSocket door: every dev page loads a
// small client that opens a WebSocket at RELOAD_PATH (res.upgrade); after
// each rebuild the server publishes on one topic and the pages reload (or,
// when the rebuild failed, log why in the browser console).
import type { DispatchFn, Server } from 'wirecore';

export const RELOAD_PATH = '/__wirecore/reload';
export const RELOAD_CLIENT_PATH = '/__wirecore/reload.js';
const RELOAD_TOPIC = 'wirecore-ssr:reload';

/** What the reload socket carries, as JSON text. */
export type ReloadMessage = { type: 'reload' } | { type: 'error'; message: string };

/** Reloads on a 'reload' message, and once the socket opens again after the dev server restarted. */
const CLIENT = `// wirecore-ssr dev: reloads this page after each rebuild.
const url = (location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + location.host + ${JSON.stringify(RELOAD_PATH)};
let opened = false;
function connect() {
  const ws = new WebSocket(url);
  ws.onopen = () => {
    if (opened) location.reload();
    opened = true;
  };
  ws.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === 'reload') location.reload();
    else if (message.type === 'error') console.error('[wirecore-ssr] the rebuild failed; still serving the previous build:\\n' + message.message);
  };
  ws.onclose = () => setTimeout(connect, 1000);
}
connect();
`;

const CLIENT_HEADERS = { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' };

/** The dev dispatch: the reload socket and its client, then the site's own dispatch. */
export function withDevReload<C>(dispatch: DispatchFn<C>): DispatchFn<C> {
  return (ctx, req, res) => {
    const path = req.path;
    if (path === RELOAD_PATH) return res.upgrade(null, { handlers: { open: (ws) => ws.subscribe(RELOAD_TOPIC) } });
    if (path === RELOAD_CLIENT_PATH && (req.method === 'GET' || req.method === 'HEAD')) return res.send({ status: 200, headers: CLIENT_HEADERS, body: CLIENT });
    return dispatch(ctx, req, res);
  };
}

/** Tells every open dev page that the site was rebuilt (or why it was not). */
export function announceReload(server: Server, error: Error | undefined): void {
  const message: ReloadMessage = error === undefined ? { type: 'reload' } : { type: 'error', message: error.message };
  server.publish(RELOAD_TOPIC, JSON.stringify(message));
}
