/**
 * What changes assets: review (pin, favorite, approve, reject) one at a time or in batches, trash and restore, edits,
 * publishing. Review changes show at once (optimistic) and are rolled back when the server refuses them; a stale
 * version (412, someone else changed the asset) re-reads it and says so.
 */
import { type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';

import {
  batchAssets,
  deleteAsset,
  editAsset,
  publishAsset,
  restoreAsset,
  retrySyncRecord,
  unpublishAsset,
  updateAsset,
} from '@/client/sdk.gen';
import type { BatchAction, BatchResult, EditJobOut, EditRequest, PublishRequest } from '@/client/types.gen';
import { newIdempotencyKey } from '@/features/admin/hooks';
import { invalidateCredits } from '@/features/credits/hooks';
import { parseError } from '@/lib/problem';

import { type Asset, cachedAsset, invalidateAssets, storeAsset, updateCachedAssets } from './hooks';
import { chunks } from './selection';

/** The most ids one batch request may carry (the API's limit); larger selections go in several requests. */
export const BATCH_LIMIT = 500;

export type Review = Partial<Pick<Asset, 'pinned' | 'favorite' | 'approval'>>;

/** What a review change looks like before the server answers (who approved is filled in by the server). */
function reviewed(asset: Asset, changes: Review): Asset {
  const next = { ...asset, ...changes };
  if (changes.approval && changes.approval !== asset.approval) next.approved_at = changes.approval === 'pending' ? null : new Date().toISOString();
  return next;
}

const REVIEW_FIELDS = ['pinned', 'favorite', 'approval', 'approved_at', 'approved_by_user_id'] as const;

/** Puts the review fields of `before` back on the cached copies (other fields may have moved on meanwhile). */
function rollBack(queryClient: QueryClient, before: ReadonlyMap<string, Asset>) {
  updateCachedAssets(queryClient, (asset) => {
    const previous = before.get(asset.id);
    if (!previous) return asset;
    const restored = { ...asset };
    for (const field of REVIEW_FIELDS) (restored as Record<string, unknown>)[field] = previous[field];
    return restored;
  });
}

function applyReview(queryClient: QueryClient, ids: ReadonlySet<string>, changes: Review): Map<string, Asset> {
  const before = new Map<string, Asset>();
  for (const id of ids) {
    const asset = cachedAsset(queryClient, id);
    if (asset) before.set(id, asset);
  }
  updateCachedAssets(queryClient, (asset) => (ids.has(asset.id) ? reviewed(asset, changes) : asset));
  return before;
}

export interface ReviewOutcome {
  asset: Asset;
  changes: Review;
  /** Someone else changed the asset first (412): it was re-read and nothing of this change was written. */
  conflict: boolean;
  message: string;
}

/**
 * Pin, favorite, approve or reject one asset, shown at once. Changes to one asset are sent one after the other, each
 * naming the version the previous one left, so quick clicks never conflict with each other.
 */
export function useReviewAsset({ onFailed }: { onFailed?: (outcome: ReviewOutcome) => void } = {}) {
  const queryClient = useQueryClient();
  const queues = useRef(new Map<string, Promise<unknown>>());
  return useMutation({
    mutationFn: ({ asset, changes }: { asset: Asset; changes: Review }) => {
      const previous = queues.current.get(asset.id) ?? Promise.resolve();
      const run = previous
        .catch(() => undefined)
        .then(async () => {
          const version = cachedAsset(queryClient, asset.id)?.version ?? asset.version;
          const { data } = await updateAsset({ path: { asset_id: asset.id }, body: { ...changes, version }, throwOnError: true });
          return data;
        });
      queues.current.set(asset.id, run);
      void run.finally(() => {
        if (queues.current.get(asset.id) === run) queues.current.delete(asset.id);
      }).catch(() => undefined);
      return run;
    },
    onMutate: async ({ asset, changes }) => {
      await queryClient.cancelQueries({ predicate: (query) => (query.queryKey[0] as { _id?: string })._id === 'listAssets' });
      return { before: applyReview(queryClient, new Set([asset.id]), changes) };
    },
    onSuccess: (fresh) => storeAsset(queryClient, fresh),
    onError: (error, { asset, changes }, context) => {
      if (context) rollBack(queryClient, context.before);
      const parsed = parseError(error);
      const conflict = parsed.status === 412;
      onFailed?.({
        asset,
        changes,
        conflict,
        message: conflict ? 'Someone else changed this image meanwhile, so your change was not saved. It now shows their version: try again if you still want to.' : parsed.message,
      });
    },
    onSettled: () => invalidateAssets(queryClient),
  });
}

/** The batch actions and how the page says them. */
export const ACTION_WORDS: Record<BatchAction, { verb: string; done: string; progress: string }> = {
  approve: { verb: 'Approve', done: 'approved', progress: 'Approving' },
  reject: { verb: 'Reject', done: 'rejected', progress: 'Rejecting' },
  pin: { verb: 'Pin', done: 'pinned', progress: 'Pinning' },
  unpin: { verb: 'Unpin', done: 'unpinned', progress: 'Unpinning' },
  favorite: { verb: 'Favorite', done: 'added to favorites', progress: 'Adding to favorites' },
  unfavorite: { verb: 'Unfavorite', done: 'removed from favorites', progress: 'Removing from favorites' },
  delete: { verb: 'Delete', done: 'moved to the trash', progress: 'Moving to the trash' },
  restore: { verb: 'Restore', done: 'restored', progress: 'Restoring' },
  publish: { verb: 'Publish', done: 'queued for publishing', progress: 'Queueing for publishing' },
};

const OPTIMISTIC: Partial<Record<BatchAction, Review>> = {
  approve: { approval: 'approved' },
  reject: { approval: 'rejected' },
  pin: { pinned: true },
  unpin: { pinned: false },
  favorite: { favorite: true },
  unfavorite: { favorite: false },
};

export interface BatchReport {
  action: BatchAction;
  total: number;
  succeeded: number;
  failed: BatchResult[];
  /** Ids never answered for: the request of their chunk failed as a whole (its message). */
  unsent: { ids: string[]; message: string } | null;
}

export interface BatchProgress {
  action: BatchAction;
  done: number;
  total: number;
}

/**
 * One action on many assets, 500 per request, one request after the other, with a result per asset. Review actions
 * show at once; the assets the server refused go back to how they were and are reported with the reason.
 */
export function useBatchAction() {
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState<BatchProgress | null>(null);
  const mutation = useMutation({
    mutationFn: async ({ action, ids, productId }: { action: BatchAction; ids: string[]; productId?: string | null }): Promise<BatchReport> => {
      const optimistic = OPTIMISTIC[action];
      const before = optimistic ? applyReview(queryClient, new Set(ids), optimistic) : new Map<string, Asset>();
      const report: BatchReport = { action, total: ids.length, succeeded: 0, failed: [], unsent: null };
      setProgress({ action, done: 0, total: ids.length });
      const parts = chunks(ids, BATCH_LIMIT);
      for (const [index, part] of parts.entries()) {
        try {
          const { data } = await batchAssets({
            body: { action, asset_ids: part, ...(action === 'publish' && productId ? { product_id: productId } : {}) },
            throwOnError: true,
          });
          report.succeeded += data.succeeded;
          report.failed.push(...data.results.filter((result) => !result.ok));
        } catch (error) {
          // This chunk and the ones after it were not done: said as such, never counted as done.
          const rest = parts.slice(index).flat();
          report.unsent = { ids: rest, message: parseError(error).message };
          break;
        }
        setProgress({ action, done: Math.min(ids.length, (index + 1) * BATCH_LIMIT), total: ids.length });
      }
      if (before.size > 0) {
        const undone = new Set([...report.failed.map((result) => result.asset_id), ...(report.unsent?.ids ?? [])]);
        rollBack(queryClient, new Map([...before].filter(([id]) => undone.has(id))));
      }
      return report;
    },
    onSettled: () => {
      setProgress(null);
      return invalidateAssets(queryClient);
    },
  });
  return { ...mutation, progress };
}

/** Move one asset to the trash (restorable for 30 days). */
export function useDeleteAsset() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (assetId: string) => {
      await deleteAsset({ path: { asset_id: assetId }, throwOnError: true });
      return assetId;
    },
    onSettled: () => invalidateAssets(queryClient),
  });
}

export function useRestoreAsset() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (assetId: string) => (await restoreAsset({ path: { asset_id: assetId }, throwOnError: true })).data,
    onSuccess: (fresh) => storeAsset(queryClient, fresh),
    onSettled: () => invalidateAssets(queryClient),
  });
}

export type EditOperation = EditRequest['operation'];
export type EditResult = { kind: 'revision'; asset: Asset } | { kind: 'job'; job: EditJobOut };

/**
 * Makes a revision. Instant operations answer with the new asset; AI operations with the job making it (paid, so
 * each request carries an Idempotency-Key, reused when the same request is retried after a lost answer).
 */
export function useEditAsset() {
  const queryClient = useQueryClient();
  const attempt = useRef<{ request: string; key: string } | null>(null);
  const mutation = useMutation({
    mutationFn: async ({ assetId, body }: { assetId: string; body: EditRequest }): Promise<EditResult> => {
      const request = JSON.stringify([assetId, body]);
      if (attempt.current?.request !== request) attempt.current = { request, key: newIdempotencyKey() };
      try {
        const { data } = await editAsset({
          path: { asset_id: assetId },
          body,
          headers: { 'Idempotency-Key': attempt.current.key },
          throwOnError: true,
        });
        attempt.current = null;
        return 'job' in data ? { kind: 'job', job: data } : { kind: 'revision', asset: data };
      } catch (error) {
        if (parseError(error).status !== 0) attempt.current = null;
        throw error;
      }
    },
    onSuccess: (result) => {
      if (result.kind === 'job') void invalidateCredits(queryClient);
      return invalidateAssets(queryClient);
    },
  });
  const { mutateAsync } = mutation;
  const edit = useCallback((assetId: string, body: EditRequest) => mutateAsync({ assetId, body }), [mutateAsync]);
  return { ...mutation, edit };
}

/** Shown as publishing at once; the asset's sync state then follows the sync job. */
function markPending(queryClient: QueryClient, assetId: string) {
  updateCachedAssets(queryClient, (asset) => (asset.id === assetId ? { ...asset, sync_state: 'pending', sync_error: null } : asset));
}

export function usePublishAsset() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ assetId, body }: { assetId: string; body: PublishRequest }) =>
      (await publishAsset({ path: { asset_id: assetId }, body, throwOnError: true })).data,
    onSuccess: (record) => markPending(queryClient, record.asset_id),
    onSettled: () => invalidateAssets(queryClient),
  });
}

export function useUnpublishAsset() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (assetId: string) => (await unpublishAsset({ path: { asset_id: assetId }, throwOnError: true })).data,
    onSuccess: (record) => markPending(queryClient, record.asset_id),
    onSettled: () => invalidateAssets(queryClient),
  });
}

/** Queue a failed sync again; it resumes where it stopped. */
export function useRetrySync() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (syncRecordId: string) => (await retrySyncRecord({ path: { sync_record_id: syncRecordId }, throwOnError: true })).data,
    onSuccess: (record) => markPending(queryClient, record.asset_id),
    onSettled: () => invalidateAssets(queryClient),
  });
}
