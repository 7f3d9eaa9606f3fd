// The shape of a parity case: bytes to send and what must happen.
import type { Feature } from './divergences.js';

/** A piece of what the client sends: bytes (latin1 text), a pause, or a wait for an answer. */
export type Part = string | { pauseMs: number } | { waitFor: string };

export interface ExpectedSeen {
  method?: string;
  target?: string;
  version?: string;
  /** Exactly these header pairs, in wire order (compared case-folded and merged for fetch targets). */
  headers?: Array<[string, string]>;
  body?: string;
  bodyLength?: number;
  trailers?: Array<[string, string]> | null;
}

export interface ExpectedResponse {
  status: number;
  /** The echo of what the application saw. */
  seen?: ExpectedSeen;
  body?: string;
  /** Header values that must be there (string) or absent (null); names case-insensitive. */
  headers?: Record<string, string | null>;
  chunked?: boolean;
}

/** A frame the server sends after its 101: its opcode, and its text (data frames) or close code. */
export interface ExpectedFrame {
  opcode: number;
  payload?: string;
  /** For a close frame (opcode 8): the code it carries. */
  code?: number;
}

export type Expectation =
  /** Every response arrives as listed; `closed` says whether the server then closes. */
  | { kind: 'accept'; responses: ExpectedResponse[]; closed?: boolean; interim100?: boolean }
  /** Answers `before`, then `status` for the bad message, then closes; the bad message's body never reaches the app. */
  | { kind: 'reject'; before?: ExpectedResponse[]; status: number; headSeen?: boolean }
  /** The server closes without a (complete) answer; `aborted` says the app saw the peer go. */
  | { kind: 'drop'; before?: ExpectedResponse[]; aborted?: boolean; partial?: string }
  /**
   * No request whose target ends with `forbidden` reaches the application.
   * With `refused`, the message before it must be refused too: it reaches
   * the application no more than a `reject` case's message does (its head
   * only with `headSeen`, its body never); `before` well-formed requests
   * precede it.
   */
  | { kind: 'unreached'; forbidden: string; refused: boolean; headSeen?: boolean; before?: number }
  /**
   * Answers `before`, then 101 (with `headers`), then exactly these frames;
   * `closed` (default true) says the server then closes. An empty `frames`
   * with `closed` is a connection dropped without a close frame.
   */
  | { kind: 'upgrade'; before?: ExpectedResponse[]; headers?: Record<string, string | null>; frames: ExpectedFrame[]; closed?: boolean };

export interface Case {
  /** Short and URL-safe: it is part of every request target as /c/<id>. */
  id: string;
  category: string;
  title: string;
  /** "{P}" stands for /c/<id> in the bytes. */
  send: Part[];
  oneByteAtATime?: boolean;
  /** Indexes of HEAD requests, so their answers parse without a body. */
  headRequests?: number[];
  expect: Expectation;
  /** The request itself asks to close the connection: nothing after it may be read. */
  /**
   * Why the appended-request variant is not made: the message is plain HTTP
   * whose refusal the application decides, so a request pipelined behind it
   * is the client's own next request, dispatched or not depending on when
   * the application answers.
   */
  notAppended?: string;
  requestCloses?: boolean;
  /** Rules this case exercises that some targets cannot honour (see divergences.ts). */
  features?: Feature[];
  /** The client gives up waiting after this long. */
  timeoutMs?: number;
  /** Only for the targets of this consumer (TargetSpec.consumer): routes the echo contract does not have. */
  consumer?: string;
  /** Needs a target whose {P}/ws upgrades to a WebSocket echo (TargetSpec.webSocket). */
  webSocket?: boolean;
}

export const CRLF = '\r\n';

/** A simple request with Host and optional extra header lines. */
export function get(path = '/echo', extra = '', version = '1.1'): string {
  return `GET {P}${path} HTTP/${version}\r\n${version === '1.1' ? 'Host: parity\r\n' : ''}${extra}\r\n`;
}

export function post(body: string, extra = '', path = '/echo'): string {
  return `POST {P}${path} HTTP/1.1\r\nHost: parity\r\n${extra}Content-Length: ${Buffer.byteLength(body, 'latin1')}\r\n\r\n${body}`;
}

export function chunked(chunks: string, extra = '', path = '/echo'): string {
  return `POST {P}${path} HTTP/1.1\r\nHost: parity\r\n${extra}Transfer-Encoding: chunked\r\n\r\n${chunks}`;
}

export const ok = (seen?: ExpectedSeen, more: Partial<ExpectedResponse> = {}): ExpectedResponse => ({ status: 200, ...(seen ? { seen } : {}), ...more });
