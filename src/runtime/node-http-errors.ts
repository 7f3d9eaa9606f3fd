// What the node-http binding answers itself, outside any exchange: the
// messages Node's parser refuses, answered as the net runtime answers llhttp's
// (and TLS failures, which get no answer).
import type { Rejection } from '../parser/head.js';
import { rejectMethod } from '../parser/validate.js';
import { currentDate } from '../writer/clock.js';
import { reasonPhrase } from '../writer/head.js';
import { errorBody } from './exchange.js';

export function rejectionAnswer(status: number, reason: string): string {
  const body = errorBody(status, reason);
  return (
    `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\ncontent-type: text/plain; charset=utf-8\r\nDate: ${currentDate()}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/** An error from the TLS layer (a handshake that failed or timed out), not from node:http's parser: nothing to answer. */
export function isTlsFailure(error: NodeJS.ErrnoException): boolean {
  const code = error.code ?? '';
  return code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_');
}

/** Node's parser errors, answered like the net runtime answers llhttp's. */
export function clientErrorStatus(error: NodeJS.ErrnoException): Rejection {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, reason: 'Request header fields too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, reason: 'Request timeout' };
    case 'HPE_INVALID_METHOD': {
      const raw = (error as { rawPacket?: Buffer }).rawPacket;
      return raw ? rejectMethod(raw, 0) : { status: 400, reason: 'Invalid method' };
    }
    case 'HPE_PAUSED_H2_UPGRADE':
      return { status: 505, reason: 'HTTP/2 is not supported on this connection' };
    default: {
      const reason = (error as { reason?: string }).reason;
      if (error.code === 'HPE_INVALID_VERSION' && reason === 'Invalid HTTP version') return { status: 505, reason: 'HTTP version not supported' };
      return { status: 400, reason: reason ?? 'Bad request' };
    }
  }
}
