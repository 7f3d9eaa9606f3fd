// Parity target: the echo as wirecore/ssr endpoints (parity/ssr-site), on one
// runtime (argv[2]), plus a prerendered and a streamed page and public files
// for the SSR cases. Prints "READY <port>".
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveGeneric, type RuntimeName } from 'wirecore';
import { build, dispatchSite, loadSite, tryPrerendered } from 'wirecore/ssr';
import { PARITY_LIMITS, PARITY_TIMEOUTS } from '../echo-shape.js';

const runtime = (process.argv[2] ?? 'net') as RuntimeName;
// The site's sources, from dist/parity/targets/ssr.js.
const root = fileURLToPath(new URL('../../../parity/ssr-site/', import.meta.url));
const outDir = join(root, '.wirecore-ssr', runtime);
const quiet = { error: () => {}, warn: () => {} };

// public/ is made here: one file, and a symlink that leads out of the folder.
const scratch = mkdtempSync(join(tmpdir(), 'wirecore-parity-ssr-'));
const publicDir = join(scratch, 'public');
mkdirSync(publicDir);
writeFileSync(join(publicDir, 'hello.txt'), 'hello world\n');
writeFileSync(join(scratch, 'secret.txt'), 'secret\n');
symlinkSync(join(scratch, 'secret.txt'), join(publicDir, 'link-out.txt'));

await build({ root, outDir });
const site = await loadSite({ root, outDir, publicDir, logger: quiet });
const server = await serveGeneric(site, dispatchSite, { runtime, ...PARITY_TIMEOUTS, ...PARITY_LIMITS, logger: quiet, tryStatic: tryPrerendered });
console.log(`READY ${server.port}`);
