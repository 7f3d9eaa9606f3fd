// npm run fuzz [-- --runs N --seed S --runtime net,uws,node-http]: the
// long fuzz run; prints one report per runtime and fails on any failure.
import type { RuntimeName } from 'wirecore';
import { fuzzRuntime } from './fuzz.js';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : (process.argv[at + 1] ?? fallback);
}

const runs = Number(arg('runs', '100000'));
const seed = Number(arg('seed', '20261126'));
const runtimes = arg('runtime', 'net,uws,node-http').split(',') as RuntimeName[];
let failed = false;
for (const runtime of runtimes) {
  const started = Date.now();
  const report = await fuzzRuntime(runtime, { runs, seed, concurrency: 48, onProgress: (n) => process.stdout.write(`\r${runtime}: ${n} / ${runs}`) });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(
    `\r${runtime}: ${report.cases} cases (seed ${seed}) in ${seconds} s; ${report.responses} answers ${JSON.stringify(report.statuses)}; ` +
      `closed by the server ${report.closedByServer}, given up by the client ${report.cutByClient}; ` +
      `healthy after: ${report.healthyAfter}; sockets left open: ${report.leftOpen}; failures: ${report.failures.length}`,
  );
  for (const f of report.failures.slice(0, 10)) console.log(`  #${f.index}: ${f.why}: ${f.bytes}`);
  failed ||= report.failures.length > 0 || !report.healthyAfter || report.leftOpen > 0;
}
process.exit(failed ? 1 : 0);
