// Messages that must be refused and that some runtime's own parser once let
// through to the application (issue 24): each is judged first on whether any
// request of it reached the handler (PARITY.md, "reaches the application").
import type { Case } from '../case.js';

const CATEGORY = 'reaches the application';

/** The smuggled request, sized for this case's prefix (/c/<id>), so the Content-Length before it covers it exactly. */
function emptyNameSmuggle(id: string): string {
  const smuggled = `GET /c/${id}/admin-smuggled HTTP/1.1\r\nHost: parity\r\n\r\n`;
  return `POST {P}/public HTTP/1.1\r\nHost: parity\r\n:\r\nContent-Length: ${smuggled.length}\r\n\r\n${smuggled.replace(`/c/${id}`, '{P}')}`;
}

/** A raw UTF-8 target, as the bytes go on the wire (case bytes are latin1 text). */
const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

export const reachCases: Case[] = [
  {
    id: 'reach-empty-name',
    category: CATEGORY,
    title: 'a field line with an empty name before Content-Length: one request with a body, not two',
    send: [emptyNameSmuggle('reach-empty-name')],
    expect: { kind: 'reject', status: 400 },
  },
  {
    id: 'reach-non-ascii-target',
    category: CATEGORY,
    title: 'raw UTF-8 bytes in the request-target (RFC 9112 §3.2: the target is ASCII)',
    send: [`GET {P}${utf8('/δ¶/δt/pope')}?q=1 HTTP/1.1\r\nHost: parity\r\n\r\n`],
    expect: { kind: 'reject', status: 400 },
  },
];
