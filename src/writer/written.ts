// The mutable record behind a Written token; only the writer makes one.
import { performance } from 'node:perf_hooks';
import type { Outcome, Written } from '../types.js';

export class WrittenRecord {
  status = 0;
  headerBytes = 0;
  bodyBytes = 0;
  timeToFirstByteMs = -1;
  timeToLastByteMs = -1;
  outcome: Outcome = 'complete';

  /** performance.now() when the request head arrived (0 when untimed). */
  startedAt: number;

  /** Untimed records (nobody listens to onResponse) skip the clock reads. */
  constructor(public timed: boolean) {
    this.startedAt = timed ? performance.now() : 0;
  }

  /** Times an untimed record from now on (a span that is recorded needs the figures). */
  startTiming(): void {
    if (this.timed) return;
    this.timed = true;
    this.startedAt = performance.now();
  }

  firstByte(): void {
    if (this.timed && this.timeToFirstByteMs < 0) this.timeToFirstByteMs = performance.now() - this.startedAt;
  }

  lastByte(): void {
    if (!this.timed) return;
    this.firstByte();
    this.timeToLastByteMs = performance.now() - this.startedAt;
  }

  get token(): Written {
    return this as unknown as Written;
  }
}
