import { type QueryClient, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { deleteCollectionMutation, getCollectionOptions, listCollectionsInfiniteOptions } from '@/client/@tanstack/react-query.gen';
import { createCollection, quoteGeneration, updateCollection } from '@/client/sdk.gen';
import type { CollectionOut, CollectionSummary, CreateCollectionRequest, GenerateRequest, QuoteOut } from '@/client/types.gen';

export type Collection = CollectionOut;
export type { CollectionSummary };
export type Quote = QuoteOut;

export const COLLECTIONS_PAGE_SIZE = 20;

/** Keyset pages: the first page is `{}` (see features/members/hooks.ts), the next ones use `next_cursor`. */
const cursorPages = {
  initialPageParam: {},
  getNextPageParam: (page: { next_cursor?: string | null }) => page.next_cursor ?? undefined,
};

const COLLECTION_QUERIES = new Set(['listCollections', 'getCollection']);

/** The list and each collection go stale together (a save, a delete, a new run). */
export function invalidateCollections(queryClient: QueryClient) {
  return queryClient.invalidateQueries({
    predicate: (query) => COLLECTION_QUERIES.has(String((query.queryKey[0] as { _id?: unknown } | undefined)?._id)),
  });
}

export function useCollectionPages() {
  return useInfiniteQuery({ ...listCollectionsInfiniteOptions({ query: { limit: COLLECTIONS_PAGE_SIZE } }), ...cursorPages });
}

export function useCollection(collectionId: string) {
  return useQuery(getCollectionOptions({ path: { collection_id: collectionId } }));
}

/** Creates a collection, or replaces an existing one's fields with the editor's. */
export function useSaveCollection(collectionId: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreateCollectionRequest) =>
      collectionId === null
        ? (await createCollection({ body, throwOnError: true })).data
        : (await updateCollection({ path: { collection_id: collectionId }, body, throwOnError: true })).data,
    onSuccess: (saved) => {
      queryClient.setQueryData(getCollectionOptions({ path: { collection_id: saved.id } }).queryKey, saved);
      return invalidateCollections(queryClient);
    },
  });
}

export function useDeleteCollection() {
  const queryClient = useQueryClient();
  return useMutation({
    ...deleteCollectionMutation(),
    onSuccess: (_, { path }) => {
      // Gone: not re-read (it would answer 404 on the page being left), only dropped; the list is re-read.
      queryClient.removeQueries({ queryKey: getCollectionOptions({ path }).queryKey });
      return queryClient.invalidateQueries({ predicate: (query) => (query.queryKey[0] as { _id?: unknown } | undefined)?._id === 'listCollections' });
    },
  });
}

/**
 * What generating the collection would use, from the API (each product's quality comes out of the cascade, so the
 * price list alone cannot tell). `version` (the collection's `updated_at`) asks again after every save.
 */
export function useCollectionQuote(body: GenerateRequest, version: string, enabled: boolean) {
  return useQuery({
    queryKey: ['collectionQuote', body, version],
    queryFn: async ({ signal }) => (await quoteGeneration({ body, signal, throwOnError: true })).data,
    enabled,
    staleTime: 0,
  });
}
