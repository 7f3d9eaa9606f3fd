// npm run example:site: builds examples/site (wirecore-ssr build) and serves it.
// PORT=… to change the port; --dev to rebuild when the site changes.
import { fileURLToPath } from 'node:url';
import { build, serveSite } from 'wirecore/ssr';

// From dist/examples/site/server.js back to the source folder with pages/.
const root = fileURLToPath(new URL('../../../examples/site/', import.meta.url));
const dev = process.argv.includes('--dev');

if (!dev) {
  const result = await build({ root });
  console.log(`built ${result.routes.length} routes and ${result.islands.length} island(s) into ${result.outDir}`);
}
const site = await serveSite({ root, dev, port: Number(process.env.PORT ?? 3000) });
console.log(`wirecore blog on ${site.url}${dev ? ' (dev: rebuilding on change)' : ''}`);

const stop = () => void site.close({ graceMs: 2000 }).then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
