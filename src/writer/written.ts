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

  constructor(readonly startedAt: number) {}

  firstByte(): void {
    if (this.timeToFirstByteMs < 0) this.timeToFirstByteMs = performance.now() - this.startedAt;
  }

  lastByte(): void {
    this.firstByte();
    this.timeToLastByteMs = performance.now() - this.startedAt;
  }

  get token(): Written {
    return this as unknown as Written;
  }
}
