import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';

import {
  createApiKeyMutation,
  listApiKeysInfiniteOptions,
  listApiKeysQueryKey,
  revokeApiKeyMutation,
} from '@/client/@tanstack/react-query.gen';
import type { CreateApiKeyResponse, ListApiKeysResponse } from '@/client/types.gen';

export type ApiKey = ListApiKeysResponse['items'][number];
export type ApiKeyCreated = CreateApiKeyResponse;

export function useApiKeys() {
  return useInfiniteQuery({
    ...listApiKeysInfiniteOptions(),
    // See cursorPages in features/members/hooks.ts: the first page is `{}`, never `null`.
    initialPageParam: {},
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    ...createApiKeyMutation(),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: listApiKeysQueryKey() }),
  });
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    ...revokeApiKeyMutation(),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: listApiKeysQueryKey() }),
  });
}
