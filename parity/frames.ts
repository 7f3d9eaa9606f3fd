// Reads the unmasked frames a WebSocket server sends: for the parity judge
// and the tests.

export interface ServerFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** Splits whole server frames off the front of `bytes`; returns them and what is left (a frame cut short, or a masked one, stops it). */
export function readFrames(bytes: Buffer): { frames: ServerFrame[]; rest: Buffer } {
  const frames: ServerFrame[] = [];
  let at = 0;
  while (bytes.length - at >= 2) {
    let length = bytes[at + 1]! & 0x7f;
    let offset = at + 2;
    if (length === 126) {
      if (bytes.length - at < 4) break;
      length = bytes.readUInt16BE(at + 2);
      offset = at + 4;
    } else if (length === 127) {
      if (bytes.length - at < 10) break;
      length = Number(bytes.readBigUInt64BE(at + 2));
      offset = at + 10;
    }
    if ((bytes[at + 1]! & 0x80) !== 0 || bytes.length < offset + length) break;
    frames.push({ fin: (bytes[at]! & 0x80) !== 0, opcode: bytes[at]! & 0x0f, payload: bytes.subarray(offset, offset + length) });
    at = offset + length;
  }
  return { frames, rest: bytes.subarray(at) };
}
