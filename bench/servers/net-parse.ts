// A floor for the `net` runtime, not a server: node:net feeding wirecore's
// RequestParser (llhttp, header strings, RFC checks) and answering every
// parsed request with the bytes bench/hello.ts sends for GET /, one write per
// chunk. No connection state machine, request object, dispatch or writer:
// what the parsing `net` must do costs at least this much. GET scenarios only.
import net from 'node:net';
import { HELLO_ANSWER as ANSWER } from './hello-answer.js';
import { RequestParser } from '../../src/parser/request-parser.js';

const LIMITS = { maxHeaderBytes: 16 * 1024, maxTargetBytes: 8 * 1024 };

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  let answers = 0;
  const parser = new RequestParser(
    {
      onRequestHead: () => {},
      onRequestBody: () => {},
      onRequestEnd: () => {
        answers++;
        return false;
      },
    },
    LIMITS,
  );
  socket.on('data', (chunk: Buffer) => {
    answers = 0;
    parser.execute(chunk);
    if (answers > 0) socket.write(answers === 1 ? ANSWER : ANSWER.repeat(answers), 'latin1');
  });
  socket.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => console.log(`READY ${(server.address() as net.AddressInfo).port}`));
