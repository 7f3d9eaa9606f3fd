// A consumer with the strictest common tsconfig (strict,
// exactOptionalPropertyTypes, noUncheckedIndexedAccess, module nodenext,
// skipLibCheck false) compiles against the package as `npm pack` ships it:
// the declarations themselves, the README's snippets (test/app-types/*.ts)
// and the type-level checks, whose @ts-expect-error lines must stay errors.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'wirecore-strict-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const STRICT = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023'],
    module: 'nodenext',
    moduleResolution: 'nodenext',
    types: ['node'],
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: false,
    noEmit: true,
  },
  include: ['*.ts'],
};

it('a strict consumer compiles against the packed package', async () => {
  // The package as published (run after `npm run build`, as `npm test` does).
  expect(existsSync(join(root, 'dist/adapters/app/index.d.ts')), 'dist/ is missing: run `npm run build` first').toBe(true);
  const packed = await run('npm', ['pack', '--silent', '--pack-destination', work], { cwd: root });
  const tarball = join(work, packed.stdout.trim().split('\n').pop()!);
  const modules = join(work, 'consumer', 'node_modules');
  mkdirSync(join(modules, 'wirecore'), { recursive: true });
  await run('tar', ['xzf', tarball, '-C', join(modules, 'wirecore'), '--strip-components=1']);
  // Its dependencies (and @types/node, which the types need) as installed here.
  for (const name of readdirSync(join(root, 'node_modules'))) {
    if (name.startsWith('.') || name === 'wirecore') continue;
    symlinkSync(join(root, 'node_modules', name), join(modules, name));
  }
  const consumer = join(work, 'consumer');
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify(STRICT, null, 2));
  for (const file of ['check.ts', 'features.ts', 'readme.ts', 'readme-root.ts', 'readme-features.ts', 'strict.ts']) cpSync(join(root, 'test/app-types', file), join(consumer, file));
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: consumer }).then(
    () => ({ code: 0, output: '' }),
    (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
  );
  expect(result.output).toBe('');
  expect(result.code).toBe(0);
}, 120_000);
