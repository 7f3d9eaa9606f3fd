// Reads the PROXY protocol header off a freshly accepted socket, before any
// HTTP (or TLS) byte is looked at: the net and node-http runtimes call this
// from their accept path and hand the socket on only once a whole, valid
// header from a trusted peer has been read. Anything else closes the
// connection with a warning; no handler ever sees it.
import type net from 'node:net';
import type { Logger } from '../types.js';
import { parseProxyHeader, type ProxyHeader } from './protocol.js';
import { listed } from './trust.js';
import type { BlockList } from 'node:net';

export interface ProxyProtocolConfig {
  /** Peers allowed to send the header (every connection from them must start with one). */
  readonly from: BlockList;
  /** From accept to the header's end. */
  readonly timeoutMs: number;
}

const HEADER = Symbol('wirecore.proxyHeader');
type MarkedSocket = net.Socket & { [HEADER]?: ProxyHeader; _parent?: unknown };

/** The header read for this socket (or the raw socket beneath a TLS socket), if any. */
export function proxyHeaderOf(socket: net.Socket): ProxyHeader | undefined {
  const marked = socket as MarkedSocket;
  return marked[HEADER] ?? (marked._parent as MarkedSocket | undefined)?.[HEADER];
}

/**
 * Calls `accept(socket)` once the header is read, with the socket paused and
 * the bytes after the header put back in front of it: the caller attaches
 * its readers, then resumes.
 */
export function readProxyHeader(socket: net.Socket, config: ProxyProtocolConfig, logger: Logger, accept: (socket: net.Socket) => void): void {
  const peer = socket.remoteAddress ?? '';
  const refuse = (why: string) => {
    try {
      logger.warn(`PROXY protocol: closed a connection from ${peer}: ${why}`);
    } catch {
      // a logger that throws must not keep the socket open
    }
    socket.destroy();
  };
  if (!listed(config.from, peer)) {
    refuse('the peer is not in proxyProtocol.from');
    return;
  }
  let buffered: Buffer | null = null;
  const timer = setTimeout(() => {
    cleanup();
    refuse(`no complete header within ${config.timeoutMs} ms`);
  }, config.timeoutMs);
  const onData = (chunk: Buffer) => {
    const bytes: Buffer = buffered === null ? chunk : Buffer.concat([buffered, chunk]);
    const result = parseProxyHeader(bytes);
    if (result === 'incomplete') {
      buffered = bytes;
      return;
    }
    cleanup();
    if ('error' in result) {
      refuse(result.error);
      return;
    }
    (socket as MarkedSocket)[HEADER] = result;
    socket.pause();
    if (bytes.length > result.length) socket.unshift(bytes.subarray(result.length));
    accept(socket);
  };
  const onEnd = () => {
    cleanup();
    refuse(buffered === null ? 'the peer sent nothing' : 'the header was cut short');
  };
  const onClose = () => cleanup();
  const onError = () => {};
  function cleanup(): void {
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('end', onEnd);
    socket.off('close', onClose);
    socket.off('error', onError);
  }
  socket.on('data', onData);
  socket.on('end', onEnd);
  socket.on('close', onClose);
  socket.on('error', onError);
}
