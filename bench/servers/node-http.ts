// Baseline: plain node:http serving the same bytes as bench/hello.ts.
import http from 'node:http';
import { CHUNK_4K as chunk } from './chunk.js';

const server = http.createServer((req, res) => {
  if (req.url === '/echo') {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
    });
    return;
  }
  if (req.url === '/chunked') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    for (let i = 0; i < 16; i++) res.write(chunk);
    return res.end();
  }
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 }).end('ok');
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`READY ${(server.address() as { port: number }).port}`));
