// WebSocket test helpers: a raw handshake over a TCP socket (to send exact
// bytes, or to stop reading), frame bytes built by hand, and `ws` clients.
import net from 'node:net';
import { once } from 'node:events';
import WebSocket from 'ws';

export const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
export const ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

/** A valid upgrade request; `extra` lines replace or add fields (a field given as '' is left out). */
export function upgradeRequest(path = '/ws', fields: Record<string, string> = {}, method = 'GET', version = '1.1'): string {
  const base: Record<string, string> = {
    Host: 'test',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': KEY,
    'Sec-WebSocket-Version': '13',
  };
  let head = `${method} ${path} HTTP/${version}\r\n`;
  for (const [name, value] of Object.entries({ ...base, ...fields })) if (value !== '') head += `${name}: ${value}\r\n`;
  return head + '\r\n';
}

/** One frame; a client's frames are masked unless told otherwise. */
export function frame(opcode: number, payload: Buffer | string, options: { fin?: boolean; mask?: boolean; rsv?: number } = {}): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const mask = options.mask ?? true;
  const first = ((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | opcode;
  let header: Buffer;
  if (data.length < 126) header = Buffer.from([first, (mask ? 0x80 : 0) | data.length]);
  else if (data.length < 65536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (mask ? 0x80 : 0) | 126;
    header.writeUInt16BE(data.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (mask ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(BigInt(data.length), 2);
  }
  if (!mask) return Buffer.concat([header, data]);
  const key = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const masked = Buffer.from(data.map((b, i) => b ^ key[i % 4]!));
  return Buffer.concat([header, key, masked]);
}

export { readFrames, type ServerFrame } from '../../parity/frames.js';
import type { ServerFrame } from '../../parity/frames.js';

export interface RawHandshake {
  socket: net.Socket;
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  /** Bytes after the answer's head (frames, or a refusal's body). */
  rest: Buffer;
  /** Everything received so far, head included. */
  received: Buffer;
}

/** Sends `request` (and `after`, in the same write) and resolves with the first answer's head; the socket is left paused. */
export async function rawHandshake(port: number, request: string, after: Buffer = Buffer.alloc(0)): Promise<RawHandshake> {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(Buffer.concat([Buffer.from(request, 'latin1'), after]));
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.pause();
      const lines = received.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ socket, status: Number(lines[0]!.split(' ')[1]), headers, rest: received.subarray(end + 4), received });
    };
    const onClose = () => reject(new Error(`the connection closed before an answer: ${JSON.stringify(received.toString('latin1'))}`));
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', () => {});
  });
}

/** Reads from a paused raw socket until `done(all bytes)` says so or it closes; returns what came and whether it closed. */
export async function readUntil(socket: net.Socket, start: Buffer, done: (bytes: Buffer) => boolean): Promise<{ bytes: Buffer; closed: boolean }> {
  let bytes = start;
  if (done(bytes)) return { bytes, closed: false };
  socket.resume();
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      if (done(bytes)) finish(false);
    };
    const onClose = () => finish(true);
    const finish = (closed: boolean) => {
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('end', onClose);
      socket.pause();
      resolve({ bytes, closed });
    };
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('end', onClose);
  });
}

/** A close frame's code and reason. */
export function closeOf(f: ServerFrame): { code: number; reason: string } {
  return f.payload.length >= 2 ? { code: f.payload.readUInt16BE(0), reason: f.payload.subarray(2).toString() } : { code: 1005, reason: '' };
}

export async function connect(url: string, protocols?: string | string[], options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, protocols, { maxPayload: 64 * 1024 * 1024, ...options });
  await once(ws, 'open');
  return ws;
}

export function nextMessage(ws: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return new Promise((resolve) => ws.once('message', (data: Buffer, isBinary: boolean) => resolve({ data, isBinary })));
}

export function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })));
}
