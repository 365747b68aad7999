import { defaultClientConditions, defineConfig } from 'vite';

// The playground imports the workspace library `xent` from its TypeScript source (the `source` export
// condition), so it needs no prebuilt dist. Relative base: the static build works from any folder.
export default defineConfig({
  base: './',
  resolve: { conditions: ['source', ...defaultClientConditions] },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 1000 },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
