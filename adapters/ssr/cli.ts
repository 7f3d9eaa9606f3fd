#!/usr/bin/env node
// wirecore-ssr build | start | dev [root]: the build step and a server for a site folder.
import { parseArgs } from 'node:util';
import type { RuntimeName } from 'wirecore';
import { build } from './build.js';
import { serveSite } from './serve.js';
import type { RendererName } from './types.js';

const USAGE = `usage: wirecore-ssr <command> [root] [options]

commands:
  build   scan root/pages once, write the route table and bundles to root/.wirecore-ssr
  start   serve the last build (prerendering what is marked prerender)
  dev     build, serve, rebuild when the site folder changes, and reload open pages

options:
  --renderer preact|react   build and dev (default preact)
  --out <dir>               build output (default <root>/.wirecore-ssr)
  --port <n>                start and dev (default $PORT or 3000)
  --host <addr>             start and dev (default 127.0.0.1)
  --runtime net|uws|node-http   start and dev (default net)`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      renderer: { type: 'string' },
      out: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      runtime: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, root = '.'] = positionals;
  if (values.help || command === undefined) {
    console.log(USAGE);
    return;
  }
  const renderer = values.renderer as RendererName | undefined;
  if (command === 'build') {
    const result = await build({ root, renderer, outDir: values.out });
    console.log(`wirecore-ssr: ${result.routes.length} routes, ${result.islands.length} islands (${result.manifest.renderer}) → ${result.outDir} in ${result.durationMs.toFixed(0)} ms`);
    for (const r of result.routes) console.log(`  ${r.pattern.padEnd(28)} pages/${r.file}`);
    console.log(`route types: ${result.types}`);
    return;
  }
  if (command !== 'start' && command !== 'dev') throw new Error(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${values.port}: not a port number`);
  const site = await serveSite({ root, outDir: values.out, dev: command === 'dev', renderer, port, host: values.host, runtime: (values.runtime ?? 'net') as RuntimeName });
  console.log(`wirecore-ssr ${command}: ${site.url}`);
  const stop = () => void site.close({ graceMs: 2000 }).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(error.message);
  if (error.cause) console.error(error.cause);
  process.exit(1);
});
