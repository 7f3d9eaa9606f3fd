// Opens N keep-alive connections, sends one GET on each, keeps them open.
// Prints "OPEN <n>" once every answer has arrived, then waits to be killed.
import net from 'node:net';

const [port, count] = [Number(process.argv[2]), Number(process.argv[3] ?? 10000)];
let answered = 0;
const sockets: net.Socket[] = [];
for (let i = 0; i < count; i++) {
  const socket = net.connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: bench\r\n\r\n'));
  socket.once('data', () => {
    if (++answered === count) console.log(`OPEN ${count}`);
  });
  socket.on('error', (e) => {
    console.error(`connection ${i}: ${e.message}`);
    process.exit(1);
  });
  sockets.push(socket);
  if (i % 500 === 499) await new Promise((r) => setTimeout(r, 10));
}
setInterval(() => {}, 1 << 30);
