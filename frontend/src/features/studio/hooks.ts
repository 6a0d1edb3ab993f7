import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';

import {
  generationOptionsOptions,
  getCreditCostsOptions,
  getGenerationOptions,
  startGenerationMutation,
} from '@/client/@tanstack/react-query.gen';
import type { GenerateRequest, GenerationItemOut, GenerationOptionsOut, GenerationOut, ItemStatus } from '@/client/types.gen';
import { newIdempotencyKey } from '@/features/admin/hooks';
import { invalidateAssets } from '@/features/assets/hooks';
import { invalidateCredits } from '@/features/credits/hooks';
import { isFinished, JOB_POLL_MS } from '@/features/stores/hooks';
import { parseError } from '@/lib/problem';

export type GenerationOptions = GenerationOptionsOut;
export type Generation = GenerationOut;
export type GenerationItem = GenerationItemOut;
export type { ItemStatus };

/** What can be asked for (scene types, bubbles, providers): changes only with a deploy. */
export function useGenerationOptions() {
  return useQuery({ ...generationOptionsOptions(), staleTime: 10 * 60_000 });
}

/** The published cost table the Studio prices a request with, before anything is sent. */
export function useCreditCosts() {
  return useQuery({ ...getCreditCostsOptions(), staleTime: 5 * 60_000 });
}

/**
 * A generation job and its items, re-read every second until the job ends (the same policy as the Store page's
 * import, `useJob` in features/stores). When it ends, the asset lists and the balance are re-read: images landed
 * and credits were captured or released.
 */
export function useGeneration(jobId: string | null) {
  const queryClient = useQueryClient();
  const query = useQuery({
    ...getGenerationOptions({ path: { job_id: jobId ?? '' } }),
    enabled: jobId !== null,
    staleTime: 0,
    refetchInterval: (q) => (isFinished(q.state.data?.job.status) ? false : JOB_POLL_MS),
  });
  const delivered = query.data?.items.filter((item) => item.status === 'succeeded').length ?? 0;
  const finished = isFinished(query.data?.job.status);
  useEffect(() => {
    // Each delivered image shows up in the gallery as soon as it exists, not only at the end.
    if (delivered > 0) void invalidateAssets(queryClient);
  }, [delivered, queryClient]);
  useEffect(() => {
    if (finished) void invalidateCredits(queryClient);
  }, [finished, queryClient]);
  return query;
}

/**
 * Starts a generation with a fresh Idempotency-Key per click; a click while one is on its way is ignored, and
 * retrying the same request after a lost answer (network error) reuses its key, so it can never start two jobs.
 */
export function useStartGeneration() {
  const mutation = useMutation(startGenerationMutation());
  const attempt = useRef<{ request: string; key: string } | null>(null);
  const inFlight = useRef(false);
  const { mutate } = mutation;
  const start = useCallback(
    (body: GenerateRequest, onStarted: (generation: Generation) => void) => {
      if (inFlight.current) return;
      inFlight.current = true;
      const request = JSON.stringify(body);
      if (attempt.current?.request !== request) attempt.current = { request, key: newIdempotencyKey() };
      mutate(
        { body, headers: { 'Idempotency-Key': attempt.current.key } },
        {
          onSuccess: (generation) => {
            attempt.current = null;
            onStarted(generation);
          },
          onError: (error) => {
            if (parseError(error).status !== 0) attempt.current = null;
          },
          onSettled: () => {
            inFlight.current = false;
          },
        },
      );
    },
    [mutate],
  );
  return { ...mutation, start };
}

export function isSettled(status: ItemStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'canceled';
}

const ITEM_ERRORS: Record<string, string> = {
  content_rejected: 'The provider refused this scene. Try other words or settings.',
  provider_timeout: 'The provider took too long to answer.',
  provider_unavailable: 'The provider was unavailable.',
  provider_misconfigured: 'The provider is not set up correctly. Contact support.',
};

/** What a generation makes, in words: images (the default) or video clips. */
export type GenerationNoun = 'image' | 'clip';

/** Why an item was not made, in words. */
export function itemError(item: Pick<GenerationItem, 'status' | 'error_code' | 'error_message'>, noun: GenerationNoun = 'image'): string {
  if (item.status === 'canceled') return 'Canceled before it was made.';
  if (item.error_message) return item.error_message;
  return (item.error_code && ITEM_ERRORS[item.error_code]) || `This ${noun} couldn't be made.`;
}
