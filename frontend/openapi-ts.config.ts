import { defineConfig } from '@hey-api/openapi-ts';

// The API's OpenAPI document (written by `api/openapi.py`) → the typed client in src/client/.
// src/client/ is generated: run `npm run generate-client`, never edit it by hand.
export default defineConfig({
  input: './openapi.json',
  output: {
    path: './src/client',
    postProcess: [],
  },
  plugins: [
    '@hey-api/typescript',
    '@hey-api/client-fetch',
    {
      name: '@hey-api/sdk',
      // Generated functions return the data and throw the problem+json body on error, which is what
      // TanStack Query expects.
    },
    '@tanstack/react-query',
  ],
});
