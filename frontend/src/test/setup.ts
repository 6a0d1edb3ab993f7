import '@testing-library/jest-dom/vitest';
// The same client configuration the app uses (credentials, CSRF header, problem normalisation).
import '@/lib/api';

import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

import { client } from '@/client/client.gen';

afterEach(() => {
  cleanup();
  client.setConfig({ baseUrl: '', fetch: undefined });
  document.cookie = 'epox_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
});
