import { describe, expect, it } from 'vitest';

import { getMe, logout } from '@/client/sdk.gen';
import { json, mockApi, noContent } from '@/test/api';

import { CSRF_HEADER } from './api';

describe('API client configuration', () => {
  it('sends the epox_csrf cookie as X-CSRF-Token on unsafe methods only', async () => {
    document.cookie = 'epox_csrf=csrf-123; path=/';
    const { calls } = mockApi({
      'POST /api/v1/auth/logout': () => noContent(),
      'GET /api/v1/me': () => json({}),
    });

    await logout({ throwOnError: true });
    await getMe({ throwOnError: true });

    expect(calls[0]?.headers.get(CSRF_HEADER)).toBe('csrf-123');
    expect(calls[1]?.headers.get(CSRF_HEADER)).toBeNull();
    expect(calls[0]?.credentials).toBe('include');
  });

  it('turns a non-JSON error body into a problem with the HTTP status', async () => {
    mockApi({ 'GET /api/v1/me': () => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }) });
    await expect(getMe({ throwOnError: true })).rejects.toMatchObject({ status: 502, code: 'http_error' });
  });
});
