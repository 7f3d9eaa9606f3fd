// npm run example:chat — a chat on http://127.0.0.1:3000 (PORT, RUNTIME to change): open it in two tabs.
import type { RuntimeName } from 'wirecore';
import { jsonLogger } from 'wirecore/app';
import { createChatApp } from './chat.js';

const app = createChatApp({ logger: jsonLogger({ level: 'info', write: (line) => process.stdout.write(line + '\n') }) });
const server = await app.listen({ runtime: (process.env.RUNTIME ?? 'net') as RuntimeName, port: Number(process.env.PORT ?? 3000) });
console.log(`chat on ${server.url} (${server.runtime}); or from a shell with a WebSocket client:
  npx wscat -c '${server.url.replace('http', 'ws')}/rooms/lobby?nick=ada'   then send {"text":"hello"}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close({ graceMs: 2000 }).then(() => process.exit(0)));
