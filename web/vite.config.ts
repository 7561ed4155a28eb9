import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The dashboard is built into web/dist and served by the API at `/` (src/http/server.ts): no separate server.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Hashed file names: the server gives assets/ a year of caching and index.html none.
    assetsDir: 'assets',
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `npx vite web` for UI work: API calls go to a running `npm start`.
    proxy: Object.fromEntries(
      ['/orders', '/policies', '/shops', '/metrics', '/webhooks', '/stock', '/purchase-orders', '/health', '/docs'].map(
        (p) => [p, 'http://localhost:3000'],
      ),
    ),
  },
});
