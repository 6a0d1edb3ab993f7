/**
 * Where to go after signing in. Only same-site paths are accepted ("/settings", not "//evil.test" or
 * "https://evil.test"), so a crafted `?next=` cannot send someone off-site.
 */
export function safeNext(next: string | null | undefined, fallback = '/'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  return next;
}

/** `/login?next=<current location>`; `path` may carry its own query. */
export function loginPath(next?: string, page: '/login' | '/signup' = '/login', extra?: Record<string, string>): string {
  const params = new URLSearchParams(extra);
  if (next && next !== '/') params.set('next', next);
  const query = params.toString();
  return query ? `${page}?${query}` : page;
}
