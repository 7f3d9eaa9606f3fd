// Known holes: a message every target must refuse reaches the application
// on these targets, and nothing wirecore can do on that runtime stops it.
// Unlike a waiver (parity/divergences.ts: "refused differently"), a hole
// means "let through": PARITY.md lists it on its own, with the condition
// under which it matters, and counts it under "reaches the application".
import type { TargetSpec } from './targets.js';

export interface KnownHole {
  /** Runtimes or parity targets with the hole. */
  targets: readonly string[];
  /** The cases whose message gets through there. */
  cases: readonly string[];
  reason: string;
  /** When it matters. */
  condition: string;
}

export const KNOWN_HOLES: Record<string, KnownHole> = {
  'empty-field-name': {
    targets: ['uws'],
    cases: ['name-empty', 'name-empty-then', 'reach-empty-name', 'reach-empty-name-then'],
    reason:
      'uWebSockets.js 20.30 ends the header block at a field line with an empty name (":" or ": value") and drops every field after it without a word: the handler sees the fields before that line only, and no call of uWS.js 20.30 tells that the block was cut. A Content-Length after it is lost, so the body is read as the next request.',
    condition:
      'It smuggles a request only behind a front end that forwards a field line with an empty name (one that sees a single request with a body where uws sees two). A client talking to uws directly only confuses its own connection.',
  },
  'node-http-request-line': {
    targets: ['node-http'],
    cases: ['line-double-space', 'line-double-space-then', 'proto-rtsp', 'proto-rtsp-then', 'proto-ice', 'proto-ice-then'],
    reason:
      "Node's parser takes two spaces after the method, and RTSP/1.0 and ICE/1.0 request lines (read as HTTP/1.0); node:http exposes no raw request line, so wirecore cannot refuse them. The message is framed as the same request either way.",
    condition: 'It matters behind a front end that routes on a request line it splits differently (two spaces) or lets a non-HTTP protocol line through.',
  },
};

/** The hole that lets `caseId` through on `spec`, if one is known. */
export function knownHole(caseId: string, spec: TargetSpec): string | undefined {
  if (spec.reference) return undefined;
  for (const [name, hole] of Object.entries(KNOWN_HOLES)) {
    if (hole.cases.includes(caseId) && (hole.targets.includes(spec.name) || hole.targets.includes(spec.runtime))) return name;
  }
  return undefined;
}
