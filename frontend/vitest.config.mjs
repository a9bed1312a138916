import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // @grafana/aws-sdk has no "exports" map, so Node would load its CommonJS build, which pulls
    // in CommonJS copies of @grafana/data and @grafana/runtime with their own React contexts.
    alias: {
      '@grafana/aws-sdk': fileURLToPath(new URL('./node_modules/@grafana/aws-sdk/dist/esm/index.js', import.meta.url)),
    },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./tests/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    testTimeout: 20000,
    css: false,
    // Grafana's packages import CommonJS modules (moment-timezone) by name; let Vite handle them.
    server: { deps: { inline: [/@grafana\//] } },
  },
  esbuild: { jsx: 'transform' },
});
