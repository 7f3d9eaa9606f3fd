// A server's spare parsers and output batches. A keep-alive connection
// between requests holds neither: it hands them back once a read leaves it
// idle, and takes one (a spare, else a new one) when bytes arrive again. An
// idle connection is smaller, and a busy server reuses the same few.
import { RequestParser, type ParserLimits, type RequestParserSink } from '../../parser/request-parser.js';
import type { Transport } from '../transport.js';
import { Output, type OutputOwner } from './output.js';

/** Spares kept past this many are left to the collector (a burst of connections going idle at once). */
const SPARE_LIMIT = 256;

function parked(): never {
  throw new Error('unreachable: a parked parser or output was used');
}

/** What a parked parser or output points at, so it keeps no connection alive and any use of it is loud. */
const PARKED_SINK: RequestParserSink = { onRequestHead: parked, onRequestBody: parked, onRequestEnd: parked };
const PARKED_TRANSPORT: Transport = { remoteAddress: '', remotePort: 0, write: parked, cork: parked, uncork: parked, end: parked, destroy: parked, pause: parked, resume: parked };

export class StreamSpares {
  private readonly parsers: RequestParser[] = [];
  private readonly outputs: Output[] = [];

  constructor(private readonly limits: ParserLimits) {}

  /** How many are kept now (for tests and diagnostics). */
  get size(): { parsers: number; outputs: number } {
    return { parsers: this.parsers.length, outputs: this.outputs.length };
  }

  parserFor(sink: RequestParserSink): RequestParser {
    const parser = this.parsers.pop();
    if (parser === undefined) return new RequestParser(sink, this.limits);
    parser.attach(sink);
    return parser;
  }

  outputFor(transport: Transport, owner: OutputOwner): Output {
    const output = this.outputs.pop();
    if (output === undefined) return new Output(transport, owner);
    output.attach(transport, owner);
    return output;
  }

  /** Takes back a parser at a message boundary with nothing kept (RequestParser.reusable). */
  parkParser(parser: RequestParser): void {
    parser.attach(PARKED_SINK);
    if (this.parsers.length < SPARE_LIMIT) this.parsers.push(parser);
  }

  /** Takes back an output with nothing batched or awaited (Output.idle). */
  parkOutput(output: Output): void {
    output.attach(PARKED_TRANSPORT, null);
    if (this.outputs.length < SPARE_LIMIT) this.outputs.push(output);
  }
}
