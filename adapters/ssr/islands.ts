// Islands: components in islands/ render on the server inside a
// <wirecore-island> marker carrying their props, and each is bundled for the
// browser with a hydration entry. Nothing else on a page ships JavaScript.
import { dirname, isAbsolute, relative, sep } from 'node:path';
import type { Plugin } from 'esbuild';
import type { RendererName } from './types.js';

export const ISLAND_NAMESPACE = 'wirecore-island';
const HYDRATE_NAMESPACE = 'wirecore-hydrate';
const ISLAND_NAME = /^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*$/;

/** "islands/ui/Counter.tsx" → "ui/Counter"; throws when the name cannot be a marker. */
export function islandName(islandsDir: string, file: string): string {
  const name = relative(islandsDir, file).split(sep).join('/').replace(/\.[jt]sx?$/, '');
  if (!ISLAND_NAME.test(name)) throw new Error(`wirecore-ssr: the island file "${relative(dirname(islandsDir), file)}" needs a name of letters, digits, "-" and "_"`);
  return name;
}

function inside(dir: string, file: string): boolean {
  return file.startsWith(dir + sep);
}

/** Server side: an import of an island from outside islands/ gets the marker wrapper instead. */
export function islandServerPlugin(islandsDir: string): Plugin {
  return {
    name: 'wirecore-ssr-islands',
    setup(build) {
      build.onResolve({ filter: /^[./]/ }, async (args) => {
        if (args.kind === 'entry-point' || args.namespace === ISLAND_NAMESPACE || inside(islandsDir, args.importer) || args.pluginData === ISLAND_NAMESPACE) return undefined;
        if (!args.path.startsWith('.') && !isAbsolute(args.path)) return undefined;
        const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: ISLAND_NAMESPACE });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        if (resolved.namespace !== 'file' || !inside(islandsDir, resolved.path)) return { path: resolved.path, namespace: resolved.namespace, external: resolved.external, sideEffects: resolved.sideEffects };
        return { path: resolved.path, namespace: ISLAND_NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: ISLAND_NAMESPACE }, (args) => ({
        contents: islandWrapperSource(args.path, islandName(islandsDir, args.path)),
        loader: 'jsx',
        resolveDir: dirname(args.path),
      }));
    },
  };
}

function islandWrapperSource(file: string, name: string): string {
  const from = JSON.stringify(file);
  return `import Island from ${from};
export * from ${from};
export default function WirecoreIsland(props) {
  const { children, ...serializable } = props;
  return <wirecore-island data-island=${JSON.stringify(name)} data-props={JSON.stringify(serializable)} style={{ display: 'contents' }}><Island {...serializable} /></wirecore-island>;
}
`;
}

/** Browser side: one entry per island that hydrates every marker of that island on the page. */
export function hydrationPlugin(root: string, islandsDir: string, renderer: RendererName): Plugin {
  return {
    name: 'wirecore-ssr-hydrate',
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${HYDRATE_NAMESPACE}:`) }, (args) => ({ path: args.path.slice(HYDRATE_NAMESPACE.length + 1), namespace: HYDRATE_NAMESPACE }));
      build.onLoad({ filter: /.*/, namespace: HYDRATE_NAMESPACE }, (args) => ({
        contents: hydrationSource(args.path, islandName(islandsDir, args.path), renderer),
        loader: 'js',
        resolveDir: root,
      }));
    },
  };
}

export function hydrationEntry(file: string): string {
  return `${HYDRATE_NAMESPACE}:${file}`;
}

function hydrationSource(file: string, name: string, renderer: RendererName): string {
  const select = `document.querySelectorAll(${JSON.stringify(`wirecore-island[data-island="${name}"]`)})`;
  const props = `JSON.parse(el.getAttribute("data-props") || "{}")`;
  if (renderer === 'preact') {
    return `import { h, hydrate } from "preact";
import Island from ${JSON.stringify(file)};
for (const el of ${select}) hydrate(h(Island, ${props}), el);
`;
  }
  return `import { createElement } from "react";
import { hydrateRoot } from "react-dom/client";
import Island from ${JSON.stringify(file)};
for (const el of ${select}) hydrateRoot(el, createElement(Island, ${props}));
`;
}
