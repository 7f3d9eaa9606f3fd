// Request header fields as received: raw pairs in wire order, looked up
// case-insensitively without building a map.
import type { WireHeaders } from '../types.js';

export class WireHeadersImpl implements WireHeaders {
  constructor(readonly raw: readonly string[]) {}

  private indexOf(name: string, from: number): number {
    const raw = this.raw;
    const length = name.length;
    for (let i = from; i < raw.length; i += 2) {
      const candidate = raw[i]!;
      if (candidate.length === length && (candidate === name || candidate.toLowerCase() === name)) return i;
    }
    return -1;
  }

  get(name: string): string | undefined {
    const lower = name.toLowerCase();
    let i = this.indexOf(lower, 0);
    if (i === -1) return undefined;
    let value = this.raw[i + 1]!;
    while ((i = this.indexOf(lower, i + 2)) !== -1) value += ', ' + this.raw[i + 1]!;
    return value;
  }

  getAll(name: string): string[] {
    const lower = name.toLowerCase();
    const values: string[] = [];
    for (let i = this.indexOf(lower, 0); i !== -1; i = this.indexOf(lower, i + 2)) values.push(this.raw[i + 1]!);
    return values;
  }

  has(name: string): boolean {
    return this.indexOf(name.toLowerCase(), 0) !== -1;
  }

  *[Symbol.iterator](): Iterator<[string, string]> {
    const raw = this.raw;
    for (let i = 0; i < raw.length; i += 2) yield [raw[i]!, raw[i + 1]!];
  }
}
