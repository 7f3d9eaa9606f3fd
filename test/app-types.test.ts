// The type-level test: tsc on test/app-types/check.ts, whose `@ts-expect-error`
// lines must each be an error (a handler returning the wrong shape, a body
// read as the wrong type, an unknown param) while the rest compiles.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

it('types params, query, headers, body and responses from the path and the schemas', async () => {
  const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
  const result = await run(process.execPath, [tsc, '-p', 'test/app-types/tsconfig.json'], { cwd: root }).then(
    () => ({ code: 0, output: '' }),
    (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
  );
  expect(result.output).toBe('');
  expect(result.code).toBe(0);
}, 60_000);
