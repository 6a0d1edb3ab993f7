/**
 * A fake API for tests: the generated client is handed a `fetch` that answers from a table of handlers, so tests
 * exercise the real sdk, interceptors and error parsing without a server.
 */
import { vi } from 'vitest';

import { client } from '@/client/client.gen';
import type { GetMeResponse } from '@/client/types.gen';

export type Handler = (request: Request) => Response | Promise<Response>;

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

export function noContent(status = 204): Response {
  return new Response(null, { status });
}

const TITLES: Record<number, string> = {
  401: 'Not authenticated',
  402: 'Insufficient credits',
  403: 'Permission denied',
  404: 'Not found',
  409: 'Conflict',
  422: 'Validation failed',
  429: 'Too many requests',
  500: 'Internal server error',
};

export function problem(status: number, extra: Record<string, unknown> = {}): Response {
  const title = TITLES[status] ?? 'Error';
  const code = (extra.code as string | undefined) ?? title.toLowerCase().replace(/\s+/g, '_');
  return new Response(
    JSON.stringify({ type: `https://docs.epox.app/problems/${code}`, title, status, detail: title, code, ...extra }),
    { status, headers: { 'Content-Type': 'application/problem+json' } },
  );
}

/**
 * Installs handlers keyed by "METHOD /api/v1/path" (no query string). Unknown requests answer 404 problem+json
 * and are recorded, so a test can assert nothing unexpected was called.
 */
export function mockApi(handlers: Record<string, Handler>) {
  const calls: Request[] = [];
  const fetchMock = vi.fn(async (input: Request) => {
    calls.push(input.clone());
    const url = new URL(input.url);
    const handler = handlers[`${input.method} ${url.pathname}`];
    return handler ? handler(input) : problem(404, { detail: `No test handler for ${input.method} ${url.pathname}` });
  });
  client.setConfig({ baseUrl: 'http://localhost', fetch: fetchMock as unknown as typeof globalThis.fetch });
  return { fetchMock, calls };
}

export function makeMe(overrides: Partial<GetMeResponse> = {}): GetMeResponse {
  const organization = { id: 'org-1', name: 'Acme Candles', created_at: '2025-01-02T10:00:00Z' };
  return {
    user: {
      id: 'user-1',
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      email_verified: true,
      is_platform_admin: false,
      created_at: '2025-01-02T10:00:00Z',
    },
    organization,
    role: 'owner',
    memberships: [{ organization, role: 'owner' }],
    ...overrides,
  };
}
