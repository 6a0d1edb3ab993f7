import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

import {
  getOnboardingOptions,
  getOnboardingQueryKey,
  updateOnboardingMutation,
} from '@/client/@tanstack/react-query.gen';

/** Marks the wizard's own writes, which answer with the new progress and so need no re-read. */
const UPDATE_ONBOARDING = 'updateOnboarding';

/**
 * Any other successful change may move a step (a rename, a product created, an image generated or approved): the
 * progress is re-read after each one, like the header's balance (features/credits/hooks.ts).
 */
function useRefreshOnboardingAfterMutations() {
  const queryClient = useQueryClient();
  useEffect(() => {
    return queryClient.getMutationCache().subscribe((event) => {
      if (event.type !== 'updated' || event.action.type !== 'success') return;
      if (event.mutation.options.mutationKey?.[0] === UPDATE_ONBOARDING) return;
      void queryClient.invalidateQueries({ queryKey: getOnboardingQueryKey() });
    });
  }, [queryClient]);
}

/**
 * Where the workspace is in onboarding. The server reads it from data that changes elsewhere (the Studio, Assets,
 * Billing after Stripe's webhook, another tab), so it is never taken as fresh: re-read whenever the wizard or the
 * dashboard opens, when the window regains focus, and after every change made in this tab.
 */
export function useOnboarding() {
  useRefreshOnboardingAfterMutations();
  return useQuery({ ...getOnboardingOptions(), staleTime: 0 });
}

/** Skip a step, take a skip back, or keep the free trial; the answer is the new progress. */
export function useUpdateOnboarding() {
  const queryClient = useQueryClient();
  return useMutation({
    ...updateOnboardingMutation(),
    mutationKey: [UPDATE_ONBOARDING],
    onSuccess: (onboarding) => queryClient.setQueryData(getOnboardingQueryKey(), onboarding),
  });
}
