// The smuggling suite: every message a server must refuse, and every request
// that asks to close, sent again with a well-formed request appended in the
// same write. After a refusal or a close, that request must never reach the
// application, on any target: no waiver applies, and neither may the
// refused message itself.
import type { Case, Part } from '../case.js';

const APPENDED = 'GET {P}/appended HTTP/1.1\r\nHost: parity\r\n\r\n';

/** The case's bytes with the request added to its last write. */
function appendToLastWrite(parts: Part[]): Part[] {
  const out = [...parts];
  for (let i = out.length - 1; i >= 0; i--) {
    const part = out[i]!;
    if (typeof part === 'string') {
      out[i] = part + APPENDED;
      return out;
    }
  }
  return [...out, APPENDED];
}

export function appendedRequestCases(cases: Case[]): Case[] {
  return cases
    .filter((c) => (c.expect.kind === 'reject' || c.requestCloses === true) && c.notAppended === undefined)
    .map((c) => ({
      id: `${c.id}-then`,
      category: 'smuggling: a request appended to every refused or closing message',
      title: `${c.title}, then a request in the same write`,
      send: appendToLastWrite(c.send),
      ...(c.oneByteAtATime ? { oneByteAtATime: true } : {}),
      ...(c.headRequests ? { headRequests: c.headRequests } : {}),
      ...(c.timeoutMs ? { timeoutMs: c.timeoutMs } : {}),
      ...(c.webSocket ? { webSocket: true } : {}),
      expect: {
        kind: 'unreached',
        forbidden: '/appended',
        refused: c.expect.kind === 'reject',
        ...(c.expect.kind === 'reject' && c.expect.headSeen ? { headSeen: true } : {}),
        ...(c.expect.kind === 'reject' && c.expect.before ? { before: c.expect.before.length } : {}),
      } as const,
    }));
}
