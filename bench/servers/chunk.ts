// The 4 KiB chunk every /chunked answer streams 16 times. Built flat: a
// string from 'x'.repeat() is a V8 cons string, and if a GC promotes it
// before its first use it stays one, so every write of it takes V8's slow
// path (measured: node-http 0.63× node:http with it, 0.83× with this), in
// whichever process happened to collect at that moment.
export const CHUNK_4K = Buffer.alloc(4096, 'x').toString('latin1');
