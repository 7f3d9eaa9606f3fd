// Open connections to a listening port as the kernel counts them, for
// runtimes that have no socket events to count them by (uWS).
import { readFileSync } from 'node:fs';

/** Connections accepted on `port` and not yet closed by this side (Linux), or -1 where /proc cannot tell. */
export function countSockets(port: number): number {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  let count = 0;
  try {
    for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
      for (const line of readFileSync(file, 'latin1').split('\n')) {
        const fields = line.trim().split(/\s+/);
        // ESTABLISHED (01) or CLOSE_WAIT (08): accepted and not yet closed by us.
        if (fields.length > 3 && `${fields[1]} `.endsWith(hexPort) && (fields[3] === '01' || fields[3] === '08')) count++;
      }
    }
  } catch {
    return -1;
  }
  return count;
}
