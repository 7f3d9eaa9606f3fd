// wirecore/ssr serving the bench site (runtime from argv[2]): /list streamed
// per request, /prerendered from the static cache, /slow behind a 50 ms load().
import type { RuntimeName } from 'wirecore';
import { serveSite } from 'wirecore/ssr';
import { QUIET, SSR_SITE, buildBenchSite } from './ssr-site.js';

const runtime = (process.argv[2] ?? 'net') as RuntimeName;
const outDir = await buildBenchSite(`wirecore-${runtime}`);
const site = await serveSite({ root: SSR_SITE, outDir, runtime, logger: QUIET });
console.log(`READY ${site.server.port}`);
