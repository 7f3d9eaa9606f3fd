// The route types `wirecore-ssr build` writes: a page typed with its route
// pattern compiles with `params.slug: string` (and the rest of a catch-all
// as a string, as dispatch hands it over); a wrong parameter or route name
// does not. tsc runs on the built site with the strict options a user has.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildResult } from 'wirecore/ssr';

const repo = fileURLToPath(new URL('..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'wirecore-ssr-types-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(files: Record<string, string>): string[] {
  return Object.entries(files).map(([file, text]) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
    return join(root, file);
  });
}

const PAGES = {
  'pages/index.ts': `import type { PageProps } from 'wirecore/ssr';
export default function Home({ params }: PageProps<undefined, '/'>) { return Object.keys(params).length; }
`,
  'pages/blog/[slug].ts': `import type { LoadContext, PageProps, RouteInfo } from 'wirecore/ssr';
export function head({ params }: RouteInfo<'/blog/[slug]'>) { return { title: params.slug.toUpperCase() }; }
export async function load({ params }: LoadContext<'/blog/[slug]'>) { return { slug: params.slug, length: params.slug.length }; }
export default function Post({ data, params }: PageProps<typeof load, '/blog/[slug]'>) { return \`\${params.slug} \${data.length}\`; }
`,
  'pages/docs/[...rest].ts': `import type { PageProps } from 'wirecore/ssr';
export default function Docs({ params }: PageProps<undefined, '/docs/[...rest]'>) { return params.rest.split('/').length; }
`,
  'pages/api/[id].ts': `import type { EndpointContext } from 'wirecore/ssr';
export function GET({ res, params }: EndpointContext<'/api/[id]'>) { return res.send({ body: params.id }); }
`,
};

/** tsc on `files` with the strict options of issue 27 (wirecore's declarations from dist/, as a consumer sees them). */
function typeCheck(files: string[]): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    typeRoots: [join(repo, 'node_modules', '@types')],
    skipLibCheck: true,
    paths: {
      wirecore: [join(repo, 'dist/src/index.d.ts')],
      'wirecore/ssr': [join(repo, 'dist/adapters/ssr/index.d.ts')],
    },
  };
  const program = ts.createProgram(files, options);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName.slice(root.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
    return `${where} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

let built: BuildResult;
let pages: string[];
beforeAll(async () => {
  pages = write(PAGES);
  built = await build({ root });
}, 60_000);

describe('route types from wirecore-ssr build', () => {
  it('writes every route and its parameters into routes.d.ts', () => {
    expect(built.types).toBe(join(root, '.wirecore-ssr', 'routes.d.ts'));
    const text = readFileSync(built.types, 'utf8');
    expect(text).toContain(`declare module 'wirecore/ssr' {`);
    expect(text).toContain(`"/blog/[slug]": { readonly slug: string }; // pages/blog/[slug].ts`);
    expect(text).toContain(`"/docs/[...rest]": { /** The rest of the path, joined with "/". */ readonly rest: string }; // pages/docs/[...rest].ts`);
    expect(text).toContain(`"/": {}; // pages/index.ts`);
  });

  it('compiles pages, heads, load() and endpoints typed by their route', () => {
    expect(typeCheck([built.types, ...pages])).toEqual([]);
  }, 60_000);

  it('refuses a parameter the route does not have, and a route the site does not have', () => {
    const [wrongParam, wrongRoute] = write({
      'wrong/param.ts': `import type { LoadContext } from 'wirecore/ssr';
export function load({ params }: LoadContext<'/blog/[slug]'>) { return params.slg; }
`,
      'wrong/route.ts': `import type { RouteInfo } from 'wirecore/ssr';
export function head({ params }: RouteInfo<'/blog/[id]'>) { return params; }
`,
    });
    const errors = typeCheck([built.types, wrongParam!, wrongRoute!]);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^wrong\/param\.ts:2 TS2551: Property 'slg' does not exist on type '\{ readonly slug: string; \}'\. Did you mean 'slug'\?/);
    expect(errors[1]).toMatch(/^wrong\/route\.ts:2 TS2344: Type '"\/blog\/\[id\]"' does not satisfy the constraint/);
  }, 60_000);

  it('without the generated file, params is a string record: each parameter possibly undefined under noUncheckedIndexedAccess', () => {
    expect(typeCheck(pages)).toEqual([
      "pages/blog/[slug].ts:2 TS18048: 'params.slug' is possibly 'undefined'.",
      "pages/blog/[slug].ts:3 TS18048: 'params.slug' is possibly 'undefined'.",
      "pages/docs/[...rest].ts:2 TS18048: 'params.rest' is possibly 'undefined'.",
    ]);
  }, 60_000);
});
