// Sends a case's exact bytes over TCP and collects everything that comes back.
import net from 'node:net';
import type { Part } from './case.js';

export interface Exchange {
  raw: Buffer;
  /** The server closed (FIN or reset) before the client gave up. */
  closed: boolean;
  /** The client gave up waiting and closed itself. */
  timedOut: boolean;
}

export interface SendOptions {
  oneByteAtATime: boolean;
  timeoutMs: number;
  /** Stop early once the bytes received satisfy this. */
  done: (received: Buffer) => boolean;
}

export function exchange(port: number, parts: Array<Part | Buffer>, options: SendOptions, host = '127.0.0.1'): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.setNoDelay(true);
    const chunks: Buffer[] = [];
    let received = Buffer.alloc(0);
    let finished = false;
    let waiter: { text: string; resolve: () => void } | null = null;
    const finish = (closed: boolean, timedOut: boolean) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ raw: received, closed, timedOut });
    };
    const timer = setTimeout(() => finish(false, true), options.timeoutMs);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      received = Buffer.concat(chunks);
      if (waiter && received.includes(waiter.text)) {
        waiter.resolve();
        waiter = null;
      }
      if (options.done(received)) finish(false, false);
    });
    socket.on('close', () => finish(true, false));
    socket.on('error', () => {});
    socket.once('connect', async () => {
      for (const part of parts) {
        if (finished) return;
        if (typeof part === 'string' || Buffer.isBuffer(part)) {
          const bytes = typeof part === 'string' ? Buffer.from(part, 'latin1') : part;
          if (options.oneByteAtATime) {
            for (const byte of bytes) {
              if (finished) return;
              socket.write(Buffer.from([byte]));
              await new Promise((r) => setImmediate(r));
            }
          } else socket.write(bytes);
        } else if ('pauseMs' in part) {
          await new Promise((r) => setTimeout(r, part.pauseMs));
        } else {
          const text = part.waitFor;
          if (!received.includes(text)) await new Promise<void>((r) => (waiter = { text, resolve: r }));
        }
      }
    });
  });
}
