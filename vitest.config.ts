import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^wirecore$/, replacement: here('./src/index.ts') },
      { find: /^wirecore\/testing$/, replacement: here('./src/testing.ts') },
      { find: /^wirecore\/fetch\/hono$/, replacement: here('./adapters/fetch/hono.ts') },
      { find: /^wirecore\/fetch$/, replacement: here('./adapters/fetch/index.ts') },
      { find: /^wirecore\/ssr$/, replacement: here('./adapters/ssr/index.ts') },
      { find: /^wirecore\/app$/, replacement: here('./adapters/app/index.ts') },
      { find: /^wirecore\/ffi$/, replacement: here('./adapters/ffi/index.ts') },
      { find: /^wirecore\/parity$/, replacement: here('./parity/echo-shape.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
