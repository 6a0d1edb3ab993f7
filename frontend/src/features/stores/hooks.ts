import { type QueryClient, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef } from 'react';

import {
  cancelJobMutation,
  deleteStoreMutation,
  getJobOptions,
  getStoreSandboxOptions,
  importStoreProductsMutation,
  listJobsOptions,
  listRemoteProductsInfiniteOptions,
  listStoresOptions,
  startShopifyInstallMutation,
  startWoocommerceAuthorizeMutation,
  updateStoreMutation,
} from '@/client/@tanstack/react-query.gen';
import type { JobOut, JobStatus, RemoteProductOut, StoreKind, StoreOut, StoreStatus } from '@/client/types.gen';
import { newIdempotencyKey } from '@/features/admin/hooks';
import { invalidateCatalog } from '@/features/products/hooks';
import { parseError } from '@/lib/problem';

export type Store = StoreOut;
export type RemoteProduct = RemoteProductOut;
export type Job = JobOut;
export type { StoreKind, StoreStatus };

/** Remote products per page: enough to fill the screen, few enough for the store to answer fast. */
export const REMOTE_PAGE_SIZE = 50;
/** The most product ids one import request may name (the API's limit); more than that is "Import all". */
export const MAX_IMPORT_IDS = 250;
/** How often a running import is re-read. */
export const JOB_POLL_MS = 1000;

const TERMINAL: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'canceled']);

export function isFinished(status: JobStatus | undefined): boolean {
  return status !== undefined && TERMINAL.has(status);
}

/** Keyset pages: the first page is `{}` (see features/members/hooks.ts), the next ones use `next_cursor`. */
const cursorPages = {
  initialPageParam: {},
  getNextPageParam: (page: { next_cursor?: string | null }) => page.next_cursor ?? undefined,
};

const queryId = (query: { queryKey: readonly unknown[] }) => String((query.queryKey[0] as { _id?: unknown } | undefined)?._id);

const STORE_QUERIES = new Set(['listStores', 'listRemoteProducts']);

/** Connections and what they show of the store (imported badges, last sync) go stale together. */
export function invalidateStores(queryClient: QueryClient) {
  return queryClient.invalidateQueries({ predicate: (query) => STORE_QUERIES.has(queryId(query)) });
}

export function useStores() {
  return useQuery(listStoresOptions());
}

export function useUpdateStore() {
  const queryClient = useQueryClient();
  return useMutation({ ...updateStoreMutation(), onSuccess: () => invalidateStores(queryClient) });
}

export function useDeleteStore() {
  const queryClient = useQueryClient();
  return useMutation({
    ...deleteStoreMutation(),
    // Imported products stay but lose their store link: the catalog changes too.
    onSuccess: () => Promise.all([invalidateStores(queryClient), invalidateCatalog(queryClient)]),
  });
}

/** The sandbox stores of a local run (both null in production), offered as a one-click start for newcomers. */
export function useStoreSandbox() {
  return useQuery({ ...getStoreSandboxOptions(), staleTime: Infinity, retry: false });
}

export function useShopifyInstall() {
  return useMutation(startShopifyInstallMutation());
}

export function useWooCommerceAuthorize() {
  return useMutation(startWoocommerceAuthorizeMutation());
}

/** The store's own products, live from the store, a page at a time. */
export function useRemoteProducts(storeId: string) {
  return useInfiniteQuery({
    ...listRemoteProductsInfiniteOptions({ path: { store_id: storeId }, query: { limit: REMOTE_PAGE_SIZE } }),
    ...cursorPages,
    // The path is required here, so the first page's options carry it (see cursorPages).
    initialPageParam: { path: { store_id: storeId } },
    // The API already waited out the store's rate limits before answering 502: try again is the person's call.
    retry: false,
    staleTime: 60_000,
  });
}

export type ImportBody = { external_ids: string[] } | { all: true };

/**
 * Starts imports with an Idempotency-Key per request: trying the same import again after a lost answer gets the
 * job that was already started instead of a second one. Any answer (or a different request) ends the key.
 */
export function useStartImport() {
  const mutation = useMutation(importStoreProductsMutation());
  const attempt = useRef<{ request: string; key: string } | null>(null);
  const { mutate } = mutation;
  const start = useCallback(
    (storeId: string, body: ImportBody, onStarted: (job: Job) => void) => {
      const request = JSON.stringify([storeId, body]);
      if (attempt.current?.request !== request) attempt.current = { request, key: newIdempotencyKey() };
      mutate(
        { path: { store_id: storeId }, body, headers: { 'Idempotency-Key': attempt.current.key } },
        {
          onSuccess: (job) => {
            attempt.current = null;
            onStarted(job);
          },
          onError: (error) => {
            if (parseError(error).status !== 0) attempt.current = null;
          },
        },
      );
    },
    [mutate],
  );
  return { ...mutation, start };
}

export function useCancelJob() {
  const queryClient = useQueryClient();
  return useMutation({
    ...cancelJobMutation(),
    onSuccess: (job) => queryClient.setQueryData(getJobOptions({ path: { job_id: job.id } }).queryKey, job),
  });
}

/** One job, re-read every second until it ends. */
export function useJob(jobId: string | null) {
  return useQuery({
    ...getJobOptions({ path: { job_id: jobId ?? '' } }),
    enabled: jobId !== null,
    staleTime: 0,
    refetchInterval: (query) => (isFinished(query.state.data?.status) ? false : JOB_POLL_MS),
  });
}

/** How long a finished import stays on the page after it ended. */
const RECENT_MS = 24 * 3600 * 1000;

/**
 * The workspace's most recent import while it runs or if it ended in the last day, so the page shows it even when
 * opened later (imports keep running when the person leaves).
 */
export function useLatestImport() {
  return useQuery({
    ...listJobsOptions({ query: { kind: 'import', limit: 1 } }),
    staleTime: 0,
    select: (page) => {
      const job = page.items[0];
      if (!job) return null;
      const ended = job.finished_at ? Date.parse(job.finished_at) : NaN;
      return isFinished(job.status) && !(Date.now() - ended < RECENT_MS) ? null : job;
    },
  });
}

/** What an import finished with (`workers/store_sync.py`): counts, and why it stopped early, if it did. */
export interface ImportResult {
  created: number;
  updated: number;
  failed: number;
  images: number;
  image_failures: number;
  stopped: string | null;
}

export function importResult(job: Job): ImportResult {
  const raw = job.result ?? {};
  const count = (key: string) => (typeof raw[key] === 'number' ? raw[key] : 0);
  return {
    created: count('created'),
    updated: count('updated'),
    failed: count('failed'),
    images: count('images'),
    image_failures: count('image_failures'),
    stopped: typeof raw.stopped === 'string' ? raw.stopped : null,
  };
}

/** Everything an import changes: products, slots, imported badges, the store's last sync. */
export function invalidateAfterImport(queryClient: QueryClient) {
  return Promise.all([invalidateCatalog(queryClient), invalidateStores(queryClient)]);
}
