import { type QueryClient, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef } from 'react';

import {
  adminCreatePackMutation,
  adminCreatePlanMutation,
  adminListPacksOptions,
  adminListPacksQueryKey,
  adminListPlansOptions,
  adminListPlansQueryKey,
  adminUpdatePackMutation,
  adminUpdatePlanMutation,
  cancelSubscriptionMutation,
  changeSubscriptionMutation,
  createCheckoutMutation,
  createPortalSessionMutation,
  getCreditBalanceQueryKey,
  getCreditCostsOptions,
  getSubscriptionOptions,
  getSubscriptionQueryKey,
  keepProductsMutation,
  listInvoicesInfiniteOptions,
  listPacksOptions,
  listPlansOptions,
  resumeSubscriptionMutation,
} from '@/client/@tanstack/react-query.gen';
import type { AdminPackList, AdminPlanList, BalanceOut, CheckoutRequest, InvoiceOut } from '@/client/types.gen';
import { newIdempotencyKey } from '@/features/admin/hooks';
import { invalidateCredits } from '@/features/credits/hooks';
import { invalidateCatalog } from '@/features/products/hooks';
import { parseError } from '@/lib/problem';

import { type CheckoutIntent, saveCheckoutIntent } from './checkout';
import { creditsPerPeriod, type Interval, type Pack, type Plan } from './plans';

export type Invoice = InvoiceOut;

/** The price list changes rarely (admins edit it): read it once a while. */
const PRICE_LIST_STALE_MS = 5 * 60_000;

/** Sends the browser to Stripe (checkout, portal). An object so tests can replace `go`. */
export const billingRedirect = {
  go(url: string): void {
    window.location.assign(url);
  },
};

export function usePlans() {
  return useQuery({ ...listPlansOptions(), staleTime: PRICE_LIST_STALE_MS });
}

export function usePacks() {
  return useQuery({ ...listPacksOptions(), staleTime: PRICE_LIST_STALE_MS });
}

export function useCreditCosts() {
  return useQuery({ ...getCreditCostsOptions(), staleTime: PRICE_LIST_STALE_MS });
}

/** The workspace's plan, subscription state and usage. `pollMs` re-reads it while a payment is being confirmed. */
export function useSubscription({ pollMs, enabled = true }: { pollMs?: number | false; enabled?: boolean } = {}) {
  return useQuery({ ...getSubscriptionOptions(), refetchInterval: pollMs ?? false, enabled });
}

const BILLING_QUERIES = new Set(['getSubscription', 'listInvoices']);

/** A plan change, cancellation or payment touches the subscription, the invoices, credits and product slots. */
export function invalidateBilling(queryClient: QueryClient) {
  return Promise.all([
    queryClient.invalidateQueries({
      predicate: (query) => BILLING_QUERIES.has(String((query.queryKey[0] as { _id?: unknown } | undefined)?._id)),
    }),
    invalidateCredits(queryClient),
    invalidateCatalog(queryClient),
  ]);
}

/** Keyset pages: the first page is `{}` (see features/members/hooks.ts), the next ones use `next_cursor`. */
const cursorPages = {
  initialPageParam: {},
  getNextPageParam: (page: { next_cursor?: string | null }) => page.next_cursor ?? undefined,
};

export const INVOICES_PAGE_SIZE = 12;

export function useInvoices({ enabled = true }: { enabled?: boolean } = {}) {
  return useInfiniteQuery({
    ...listInvoicesInfiniteOptions({ query: { limit: INVOICES_PAGE_SIZE } }),
    ...cursorPages,
    enabled,
  });
}

export type CheckoutItem =
  | { kind: 'plan'; plan: Plan; interval: Interval }
  | { kind: 'pack'; pack: Pack };

/**
 * Starts a Stripe Checkout and sends the browser there. Each click gets its own Idempotency-Key; trying the same
 * purchase again after a lost answer (no response at all) reuses it, so one click can never open two checkouts.
 * What was bought, and the balance before, are remembered for the way back (see CheckoutReturn).
 */
export function useCheckout({ from }: { from: CheckoutIntent['from'] }) {
  const queryClient = useQueryClient();
  const mutation = useMutation(createCheckoutMutation());
  const attempt = useRef<{ request: string; key: string } | null>(null);
  const { mutate } = mutation;
  const start = useCallback(
    (item: CheckoutItem) => {
      const body: CheckoutRequest =
        item.kind === 'plan' ? { plan_code: item.plan.code, interval: item.interval } : { pack_code: item.pack.code };
      const request = JSON.stringify(body);
      if (attempt.current?.request !== request) attempt.current = { request, key: newIdempotencyKey() };
      const key = attempt.current.key;
      // The balance before paying (the header keeps it fresh): the way back waits until it has grown by what was
      // bought. Unknown, the way back waits for any change instead.
      const availableBefore = queryClient.getQueryData<BalanceOut>(getCreditBalanceQueryKey())?.available ?? null;
      mutate(
        { body, headers: { 'Idempotency-Key': key } },
        {
          onSuccess: ({ checkout_url: url }) => {
            attempt.current = null;
            saveCheckoutIntent(
              item.kind === 'plan'
                ? {
                    kind: 'plan',
                    code: item.plan.code,
                    name: item.plan.name,
                    interval: item.interval,
                    credits: creditsPerPeriod(item.plan, item.interval),
                    availableBefore,
                    from,
                  }
                : {
                    kind: 'pack',
                    code: item.pack.code,
                    name: item.pack.name,
                    interval: null,
                    credits: item.pack.credits,
                    availableBefore,
                    from,
                  },
            );
            billingRedirect.go(url);
          },
          onError: (error) => {
            if (parseError(error).status !== 0) attempt.current = null;
          },
        },
      );
    },
    [mutate, queryClient, from],
  );
  return { ...mutation, start };
}

export function useChangePlan() {
  const queryClient = useQueryClient();
  return useMutation({
    ...changeSubscriptionMutation(),
    onSuccess: (change) => {
      if (change.applied) return invalidateBilling(queryClient);
    },
  });
}

/** A preview of a plan change: nothing is changed, so nothing is invalidated. */
export function usePreviewChange() {
  return useMutation(changeSubscriptionMutation());
}

export function useKeepProducts() {
  const queryClient = useQueryClient();
  return useMutation({
    ...keepProductsMutation(),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getSubscriptionQueryKey() }),
  });
}

export function useCancelSubscription() {
  const queryClient = useQueryClient();
  return useMutation({
    ...cancelSubscriptionMutation(),
    onSuccess: (subscription) => queryClient.setQueryData(getSubscriptionQueryKey(), subscription),
  });
}

export function useResumeSubscription() {
  const queryClient = useQueryClient();
  return useMutation({
    ...resumeSubscriptionMutation(),
    onSuccess: (subscription) => queryClient.setQueryData(getSubscriptionQueryKey(), subscription),
  });
}

/** Opens Stripe's billing portal (payment method, invoices) in this tab. */
export function usePortal() {
  const mutation = useMutation(createPortalSessionMutation());
  const { mutate } = mutation;
  const open = useCallback(() => mutate({}, { onSuccess: ({ url }) => billingRedirect.go(url) }), [mutate]);
  return { ...mutation, open };
}

/** Platform admins: every plan and pack as stored (retired ones and the trial included). */
export function useAdminPlans() {
  return useQuery(adminListPlansOptions());
}

export function useAdminPacks() {
  return useQuery(adminListPacksOptions());
}

const PRICE_LIST_QUERIES = new Set(['adminListPlans', 'adminListPacks', 'listPlans', 'listPacks', 'getSubscription']);

/** An edited plan or pack shows at once in the editor, the price list, and the workspace's own plan. */
function invalidatePriceList(queryClient: QueryClient) {
  return queryClient.invalidateQueries({
    predicate: (query) => PRICE_LIST_QUERIES.has(String((query.queryKey[0] as { _id?: unknown } | undefined)?._id)),
  });
}

export function useCreatePlan() {
  const queryClient = useQueryClient();
  return useMutation({ ...adminCreatePlanMutation(), onSuccess: () => invalidatePriceList(queryClient) });
}

/** The saved row replaces the listed one at once (a switch flipped stays flipped), then everything is re-read. */
function replaceRow<R extends { code: string }>(list: { items: R[] } | undefined, saved: R) {
  return list && { ...list, items: list.items.map((item) => (item.code === saved.code ? saved : item)) };
}

export function useUpdatePlan() {
  const queryClient = useQueryClient();
  return useMutation({
    ...adminUpdatePlanMutation(),
    onSuccess: (plan) => {
      queryClient.setQueryData<AdminPlanList>(adminListPlansQueryKey(), (list) => replaceRow(list, plan));
      return invalidatePriceList(queryClient);
    },
  });
}

export function useCreatePack() {
  const queryClient = useQueryClient();
  return useMutation({ ...adminCreatePackMutation(), onSuccess: () => invalidatePriceList(queryClient) });
}

export function useUpdatePack() {
  const queryClient = useQueryClient();
  return useMutation({
    ...adminUpdatePackMutation(),
    onSuccess: (pack) => {
      queryClient.setQueryData<AdminPackList>(adminListPacksQueryKey(), (list) => replaceRow(list, pack));
      return invalidatePriceList(queryClient);
    },
  });
}
