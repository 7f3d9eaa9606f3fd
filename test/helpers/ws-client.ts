// `ws` clients for the consumers' WebSocket tests: open one, learn why one
// was refused, wait for messages and closes.
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';

export { closed } from './ws.js';

export interface Opened {
  ws: WebSocket;
  /** The 101's fields, lower-cased names. */
  headers: IncomingMessage['headers'];
}

export interface Received {
  text: string;
  isBinary: boolean;
  data: Buffer;
}

/** Messages a socket opened by open() received and nobody took yet (a server may send with its 101, before 'open' resolves). */
class Inbox {
  private readonly queued: Received[] = [];
  private readonly waiting: Array<(message: Received) => void> = [];

  constructor(ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const message = { text: data.toString(), isBinary, data };
      const waiter = this.waiting.shift();
      if (waiter !== undefined) waiter(message);
      else this.queued.push(message);
    });
  }

  next(): Promise<Received> {
    const message = this.queued.shift();
    return message !== undefined ? Promise.resolve(message) : new Promise((resolve) => this.waiting.push(resolve));
  }
}

const inboxes = new WeakMap<WebSocket, Inbox>();

/** Opens a socket; rejects with the refusal's status when the server answers anything but 101. */
export function open(url: string, protocols?: string | string[], options: WebSocket.ClientOptions = {}): Promise<Opened> {
  const ws = new WebSocket(url, protocols, options);
  inboxes.set(ws, new Inbox(ws));
  return new Promise((resolve, reject) => {
    let headers: IncomingMessage['headers'] = {};
    ws.once('upgrade', (response) => (headers = response.headers));
    ws.once('open', () => resolve({ ws, headers }));
    ws.once('unexpected-response', (_request, response) => {
      reject(Object.assign(new Error(`refused with ${response.statusCode}`), { status: response.statusCode }));
      response.resume();
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/** The status a refused upgrade was answered with (fails the test if the socket opened). */
export async function refusal(url: string, options: WebSocket.ClientOptions = {}): Promise<number> {
  try {
    const { ws } = await open(url, undefined, options);
    ws.terminate();
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status !== undefined) return status;
    throw error;
  }
  throw new Error(`${url} opened; a refusal was expected`);
}

/** The next message (in order, none lost, for a socket from open()). */
export function nextMessage(ws: WebSocket): Promise<Received> {
  const inbox = inboxes.get(ws);
  if (inbox !== undefined) return inbox.next();
  return new Promise((resolve) => ws.once('message', (data: Buffer, isBinary: boolean) => resolve({ text: data.toString(), isBinary, data })));
}

/** The next message, parsed as JSON. */
export async function nextJson<T = unknown>(ws: WebSocket): Promise<T> {
  return JSON.parse((await nextMessage(ws)).text) as T;
}
