import { MutationCache, QueryCache, QueryClient, type QueryKey } from '@tanstack/react-query';

import { getMeQueryKey } from '@/client/@tanstack/react-query.gen';

import { errorStatus } from './problem';

function isMeQuery(queryKey: QueryKey): boolean {
  const head = queryKey[0] as { _id?: unknown } | undefined;
  return head?._id === getMeQueryKey()[0]._id;
}

/**
 * One QueryClient per app (and per test). A 401 from any request means the session ended: re-checking `get_me`
 * lets the app layout notice and send the person to /login. Client errors (4xx) are answers, not hiccups, so they
 * are never retried.
 */
export function createQueryClient(): QueryClient {
  const sessionMayHaveEnded = (error: unknown) => {
    if (errorStatus(error) === 401) void queryClient.invalidateQueries({ queryKey: getMeQueryKey() });
  };
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (!isMeQuery(query.queryKey)) sessionMayHaveEnded(error);
      },
    }),
    mutationCache: new MutationCache({ onError: sessionMayHaveEnded }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (failureCount, error) => {
          const status = errorStatus(error);
          if (status >= 400 && status < 500) return false;
          return failureCount < 2;
        },
      },
      mutations: { retry: false },
    },
  });
  return queryClient;
}
