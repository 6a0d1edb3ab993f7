/**
 * Runtime configuration of the generated API client. Imported once, for its side effect, from main.tsx (and from
 * the test setup). Every HTTP call in the SPA goes through `@/client`, so this is the one place that decides how
 * requests are sent.
 */
import { client } from '@/client/client.gen';

import { getCookie } from './cookies';

export const CSRF_COOKIE = 'epox_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

type ApiClient = typeof client;

/** Cookie-authenticated unsafe requests must echo the `epox_csrf` cookie in a header (double-submit). */
export function withCsrfHeader(request: Request): Request {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return request;
  const token = getCookie(CSRF_COOKIE);
  if (token && !request.headers.has(CSRF_HEADER)) request.headers.set(CSRF_HEADER, token);
  return request;
}

/**
 * Errors that did not come back as problem+json (a proxy's HTML 502, an empty body) become a minimal problem, so
 * the UI can rely on one shape with a `status`. Network failures (no response) pass through unchanged.
 */
export function toProblem(error: unknown, response: Response | undefined): unknown {
  if (!response) return error;
  if (typeof error === 'object' && error !== null && 'status' in error) return error;
  return {
    type: 'about:blank',
    title: response.statusText || 'Request failed',
    status: response.status,
    detail: typeof error === 'string' && error.length > 0 && error.length < 300 ? error : '',
    code: 'http_error',
  };
}

export function configureApiClient(target: ApiClient = client): void {
  target.setConfig({ baseUrl: '', credentials: 'include' });
  if (!target.interceptors.request.exists(withCsrfHeader)) target.interceptors.request.use(withCsrfHeader);
  if (!target.interceptors.error.exists(toProblem)) target.interceptors.error.use(toProblem);
}

configureApiClient();
