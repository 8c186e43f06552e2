import { defineConfig } from 'vite';

// Built into ../web/studio (committed, embedded with go:embed, served at /studio/).
export default defineConfig({
  base: '/studio/',
  build: {
    outDir: '../web/studio',
    emptyOutDir: true,
    assetsDir: 'assets',
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: { environment: 'node', include: ['src/**/*.test.ts'] },
} as any);
