import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';

import {
  adminAdjustCreditsMutation,
  adminGrantCreditsMutation,
  adminListOrganizationsInfiniteOptions,
} from '@/client/@tanstack/react-query.gen';
import type { AdminOrganizationOut } from '@/client/types.gen';
import { invalidateCredits } from '@/features/credits/hooks';

export type AdminOrganization = AdminOrganizationOut;

const cursorPages = {
  initialPageParam: {},
  getNextPageParam: (page: { next_cursor?: string | null }) => page.next_cursor ?? undefined,
};

/** Workspaces whose name or member email contains `q` (platform admins only). */
export function useAdminOrganizations(q: string) {
  return useInfiniteQuery({
    ...adminListOrganizationsInfiniteOptions({ query: { limit: 20, ...(q ? { q } : {}) } }),
    ...cursorPages,
  });
}

/** Granting to your own workspace changes your balance too, so the credit queries are refreshed. */
export function useAdminGrantCredits() {
  const queryClient = useQueryClient();
  return useMutation({ ...adminGrantCreditsMutation(), onSuccess: () => invalidateCredits(queryClient) });
}

export function useAdminAdjustCredits() {
  const queryClient = useQueryClient();
  return useMutation({ ...adminAdjustCreditsMutation(), onSuccess: () => invalidateCredits(queryClient) });
}

/** One key per confirmed action: a retry after a lost answer replays the first result instead of paying twice. */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}
