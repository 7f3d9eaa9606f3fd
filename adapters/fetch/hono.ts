// wirecore/fetch/hono: Hono's upgradeWebSocket helper on wirecore/fetch, in
// the shape of @hono/node-ws (createWebSocket({ app }) → upgradeWebSocket,
// injectWebSocket, clients). Built with Hono's own defineWebSocketHelper and
// WSContext, so an app written for @hono/node-ws, hono/bun or hono/deno runs
// unmodified; the socket underneath is wirecore's ServerWebSocket.
import type { Hono } from 'hono';
import { WSContext, defineWebSocketHelper, type UpgradeWebSocket, type WSEvents } from 'hono/ws';
import type { Server, ServerWebSocket, WebSocketHandlers } from 'wirecore';
import { hasToken, upgrade } from './upgrade.js';

export type HonoSocket = ServerWebSocket<HonoSocketData>;

/** What each socket carries: its events, made by the route's createEvents(c). */
export interface HonoSocketData {
  events: WSEvents<HonoSocket>;
  url: URL;
  onError: ((error: unknown) => void) | undefined;
  clients: Set<HonoSocket>;
  context: WSContext<HonoSocket> | undefined;
}

export interface HonoUpgradeOptions {
  /** Called with what an event handler throws (or rejects with); default: the route's onError event, else the server's logger. */
  onError?: (error: unknown) => void;
}

interface CloseEventFields {
  code?: number;
  reason?: string;
  wasClean?: boolean;
}

/** CloseEvent is global from Node 23; before that, an Event with the same fields. */
const CloseEventClass: new (type: string, init: CloseEventFields) => Event =
  (globalThis as { CloseEvent?: new (type: string, init: CloseEventFields) => Event }).CloseEvent ??
  class extends Event {
    readonly code: number;
    readonly reason: string;
    readonly wasClean: boolean;
    constructor(type: string, init: CloseEventFields) {
      super(type);
      this.code = init.code ?? 0;
      this.reason = init.reason ?? '';
      this.wasClean = init.wasClean ?? false;
    }
  };

function contextOf(ws: HonoSocket): WSContext<HonoSocket> {
  return (ws.data.context ??= new WSContext<HonoSocket>({
    send: (source, options) => void ws.send(source, { compress: options.compress }),
    close: (code, reason) => ws.close(code, reason),
    raw: ws,
    get readyState() {
      return ws.readyState;
    },
    url: ws.data.url,
    protocol: ws.protocol,
  }));
}

/** Runs an event handler; what it throws goes to onError (the option, else the route's onError event), else to the server's logger. */
function run(ws: HonoSocket, call: () => unknown): Promise<void> | undefined {
  const fail = (error: unknown) => {
    const { onError, events } = ws.data;
    if (onError !== undefined) return onError(error);
    if (events.onError === undefined) throw error;
    const event = Object.assign(new Event('error'), { error });
    events.onError(event, contextOf(ws));
  };
  try {
    const result = call();
    // A rejection fail() passes on reaches the door, which logs it.
    if (result instanceof Promise) return result.then(() => {}, fail);
  } catch (error) {
    fail(error);
  }
  return undefined;
}

function arrayBufferOf(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** One set of handlers for every Hono socket: each reads its events from ws.data. */
const honoHandlers: WebSocketHandlers<HonoSocketData> = {
  open(ws) {
    ws.data.clients.add(ws);
    const { onOpen } = ws.data.events;
    if (onOpen !== undefined) return run(ws, () => onOpen(new Event('open'), contextOf(ws)));
  },
  message(ws, message, isBinary) {
    const { onMessage } = ws.data.events;
    const data = isBinary ? arrayBufferOf(message as Buffer) : (message as string);
    if (onMessage !== undefined) return run(ws, () => onMessage(new MessageEvent('message', { data }), contextOf(ws)));
  },
  close(ws, code, reason) {
    ws.data.clients.delete(ws);
    const { onClose } = ws.data.events;
    if (onClose !== undefined) return run(ws, () => onClose(new CloseEventClass('close', { code, reason, wasClean: code !== 1006 }) as Parameters<typeof onClose>[0], contextOf(ws)));
  },
};

function helperFor(clients: Set<HonoSocket>): UpgradeWebSocket<HonoSocket, HonoUpgradeOptions> {
  return defineWebSocketHelper<HonoSocket, HonoUpgradeOptions>((c, events, options) => {
    if (!hasToken(c.req.header('upgrade'), 'websocket')) return;
    // The first subprotocol offered, as @hono/node-ws (ws's default), hono/bun and hono/deno answer;
    // c.header('Sec-WebSocket-Protocol', …) on the response picks another.
    const offered = c.req.header('sec-websocket-protocol')?.split(',')[0]?.trim();
    const data: HonoSocketData = { events, url: new URL(c.req.url), onError: options?.onError, clients, context: undefined };
    upgrade(c.req.raw, { data, handlers: honoHandlers, protocol: offered === '' ? undefined : offered });
    return new Response(null);
  });
}

/** Open sockets of the standalone upgradeWebSocket. */
const sharedClients = new Set<HonoSocket>();

/** Hono's upgradeWebSocket for apps served by serveFetch (or toDispatch): `app.get('/ws', upgradeWebSocket((c) => ({ onMessage … })))`. */
export const upgradeWebSocket: UpgradeWebSocket<HonoSocket, HonoUpgradeOptions> = helperFor(sharedClients);

export interface WireHonoWebSocket {
  upgradeWebSocket: UpgradeWebSocket<HonoSocket, HonoUpgradeOptions>;
  /**
   * Nothing to wire: serveFetch answers upgrades itself. Kept so code from
   * @hono/node-ws moves over unchanged; checks that it is given the Server
   * serveFetch resolved to.
   */
  injectWebSocket(server: Server): void;
  /** The open sockets this helper upgraded (what @hono/node-ws's wss.clients is). */
  clients: ReadonlySet<HonoSocket>;
}

export interface WireHonoWebSocketInit {
  // The app is not needed to upgrade (the upgrade runs inside app.fetch); taken for @hono/node-ws's shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  app?: Hono<any, any, any>;
}

/** @hono/node-ws's createNodeWebSocket, for wirecore/fetch. */
export function createWebSocket(_init: WireHonoWebSocketInit = {}): WireHonoWebSocket {
  const clients = new Set<HonoSocket>();
  return {
    upgradeWebSocket: helperFor(clients),
    injectWebSocket(server) {
      if (typeof server !== 'object' || server === null || typeof (server as Partial<Server>).publish !== 'function') {
        throw new TypeError('injectWebSocket(server): expected the Server that serveFetch resolved to (on @hono/node-server, use @hono/node-ws)');
      }
    },
    clients,
  };
}
