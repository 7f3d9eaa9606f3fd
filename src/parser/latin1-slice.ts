// Node's Buffer has latin1Slice (what toString('latin1') calls, without its
// argument checks); @types/node does not declare it. The parser makes every
// string of a head with it.
declare global {
  interface Buffer {
    latin1Slice(start: number, end: number): string;
  }
}

export {};
