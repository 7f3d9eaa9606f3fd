// npm run fuzz:parser [-- --runs N --seed S]: the fast path against llhttp on N inputs.
import { runDifferential } from './parser-differential.js';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : (process.argv[at + 1] ?? fallback);
}

const runs = Number(arg('runs', '1000000'));
const seed = Number(arg('seed', '20261126'));
const started = Date.now();
const report = runDifferential(runs, seed, (done) => process.stdout.write(`\r${done} / ${runs}`));
console.log(`\r${report.runs} inputs (seed ${seed}) in ${((Date.now() - started) / 1000).toFixed(0)} s; the fast path read ${report.fastHeads} heads; mismatches: ${report.mismatches.length}`);
for (const m of report.mismatches.slice(0, 5)) console.log(JSON.stringify(m, null, 1));
process.exit(report.mismatches.length === 0 ? 0 : 1);
