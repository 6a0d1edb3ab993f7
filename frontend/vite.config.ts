import { fileURLToPath, URL } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The API runs on :8000 in local dev; the SPA talks to it same-origin through this proxy, exactly as it does in
// production where the API serves dist/ with an index.html fallback.
const API_TARGET = 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    proxy: {
      '/api': { target: API_TARGET, changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: API_TARGET, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    sourcemap: true,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    // Form tests type with user-event in jsdom: seconds each on a busy two-core CI machine, not a hang.
    testTimeout: 15_000,
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
  },
});
