import { useMutation, useQueryClient } from '@tanstack/react-query';

import {
  getMeQueryKey,
  getOrganizationQueryKey,
  setActiveOrganizationMutation,
  updateOrganizationMutation,
} from '@/client/@tanstack/react-query.gen';

/**
 * Switching workspace changes what every tenant-scoped query means, so the new `Me` goes straight into the cache
 * and everything else is refetched.
 */
export function useSetActiveOrganization() {
  const queryClient = useQueryClient();
  return useMutation({
    ...setActiveOrganizationMutation(),
    onSuccess: (me) => {
      queryClient.setQueryData(getMeQueryKey(), me);
      return queryClient.invalidateQueries();
    },
  });
}

export function useUpdateOrganization() {
  const queryClient = useQueryClient();
  return useMutation({
    ...updateOrganizationMutation(),
    onSuccess: (organization) => {
      queryClient.setQueryData(getOrganizationQueryKey(), organization);
      // The name shows in the header's switcher, which reads `get_me`.
      return queryClient.invalidateQueries({ queryKey: getMeQueryKey() });
    },
  });
}
