// The README's multi-core snippet: N copies of examples/workers-app.ts on one
// port (PORT to change; 0 picks a free one). The primary never dispatches.
// #region readme
import { serveGeneric } from 'wirecore';

const server = await serveGeneric(null, null, { workers: 'auto', workerModule: new URL('./workers-app.js', import.meta.url), port: Number(process.env.PORT ?? 3000) });
console.log(server.url);
// #endregion
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close({ graceMs: 1000 }).then(() => process.exit(0)));
