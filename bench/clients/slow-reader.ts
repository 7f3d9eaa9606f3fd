// Asks for 1 GiB (or argv[4] MiB) and reads it slowly (a pause of argv[3] ms
// after every MiB); prints the bytes received when the answer ends.
import net from 'node:net';

const port = Number(process.argv[2]);
const pauseMs = Number(process.argv[3] ?? 4);
const mib = process.argv[4] === undefined ? '' : `?mib=${Number(process.argv[4])}`;
const socket = net.connect(port, '127.0.0.1', () => socket.write(`GET /gib${mib} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n`));
let received = 0;
let sinceBreak = 0;
socket.on('data', (chunk) => {
  received += chunk.length;
  sinceBreak += chunk.length;
  if (sinceBreak >= 1 << 20) {
    sinceBreak = 0;
    socket.pause();
    setTimeout(() => socket.resume(), pauseMs);
  }
});
socket.on('end', () => console.log(`RECEIVED ${received}`));
