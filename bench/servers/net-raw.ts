// The ceiling for the `net` runtime, not a server: node:net answering every
// request head (found by its blank line, nothing parsed) with the bytes
// bench/hello.ts sends for GET /. Serves the GET scenarios only.
import net from 'node:net';
import { HELLO_ANSWER as ANSWER } from './hello-answer.js';

const END_OF_HEAD = '\r\n\r\n';

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  // The end of a head may be cut by a chunk boundary: keep what could start one.
  let carry = '';
  socket.on('data', (chunk: Buffer) => {
    const text = carry + chunk.toString('latin1');
    let heads = 0;
    let after = 0;
    for (let i = text.indexOf(END_OF_HEAD); i !== -1; i = text.indexOf(END_OF_HEAD, after)) {
      heads++;
      after = i + END_OF_HEAD.length;
    }
    carry = text.slice(Math.max(after, text.length - (END_OF_HEAD.length - 1)));
    if (heads > 0) socket.write(heads === 1 ? ANSWER : ANSWER.repeat(heads), 'latin1');
  });
  socket.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => console.log(`READY ${(server.address() as net.AddressInfo).port}`));
