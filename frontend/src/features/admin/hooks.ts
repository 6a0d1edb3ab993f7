import { type QueryClient, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import {
  adminAdjustCreditsMutation,
  adminAuditLogInfiniteOptions,
  adminEndSupportAccessMutation,
  adminGetOrganizationOptions,
  adminGrantCreditsMutation,
  adminListFailedJobsInfiniteOptions,
  adminListOrganizationsInfiniteOptions,
  adminOpenSupportAccessMutation,
  adminProviderCostsOptions,
  adminRetryFailedItemsMutation,
  listSupportAccessOptions,
} from '@/client/@tanstack/react-query.gen';
import type {
  AdminAuditLogData,
  AdminJobOut,
  AdminListOrganizationsData,
  AdminOrganizationDetailOut,
  AdminOrganizationOut,
  AuditEntryOut,
  SupportAccessOut,
} from '@/client/types.gen';
import { invalidateCredits } from '@/features/credits/hooks';

export type AdminOrganization = AdminOrganizationOut;
export type AdminOrganizationDetail = AdminOrganizationDetailOut;
export type AdminJob = AdminJobOut;
export type AuditEntry = AuditEntryOut;
export type SupportAccess = SupportAccessOut;
export type OrganizationFilters = Omit<NonNullable<AdminListOrganizationsData['query']>, 'cursor' | 'limit'>;
export type AuditFilters = Omit<NonNullable<AdminAuditLogData['query']>, 'cursor' | 'limit'>;

const cursorPages = {
  initialPageParam: {},
  getNextPageParam: (page: { next_cursor?: string | null }) => page.next_cursor ?? undefined,
};

function idOf(query: { queryKey: readonly unknown[] }): string {
  return String((query.queryKey[0] as { _id?: unknown } | undefined)?._id);
}

/** Everything the console shows about workspaces: after a write the lists and the detail are read again. */
const ADMIN_QUERIES = new Set(['adminListOrganizations', 'adminGetOrganization', 'adminAuditLog', 'adminListFailedJobs']);

function invalidateAdmin(queryClient: QueryClient) {
  return queryClient.invalidateQueries({ predicate: (query) => ADMIN_QUERIES.has(idOf(query)) });
}

/** Workspaces matching the search (name, member email or store domain), filters and sort (platform admins). */
export function useAdminOrganizations(filters: OrganizationFilters, limit = 25) {
  return useInfiniteQuery({
    ...adminListOrganizationsInfiniteOptions({ query: { limit, ...filters } }),
    ...cursorPages,
  });
}

export function useAdminOrganization(organizationId: string) {
  return useQuery(adminGetOrganizationOptions({ path: { organization_id: organizationId } }));
}

export function useAdminFailedJobs(query: { organization_id?: string; include_partial?: boolean }) {
  return useInfiniteQuery({ ...adminListFailedJobsInfiniteOptions({ query: { limit: 20, ...query } }), ...cursorPages });
}

export function useAdminProviderCosts(query: { from: string; to: string }, enabled: boolean) {
  return useQuery({ ...adminProviderCostsOptions({ query }), enabled });
}

export function useAdminAuditLog(filters: AuditFilters) {
  return useInfiniteQuery({ ...adminAuditLogInfiniteOptions({ query: { limit: 50, ...filters } }), ...cursorPages });
}

/** Granting to your own workspace changes your balance too, so the credit queries are refreshed as well. */
export function useAdminGrantCredits() {
  const queryClient = useQueryClient();
  return useMutation({
    ...adminGrantCreditsMutation(),
    onSuccess: () => Promise.all([invalidateCredits(queryClient), invalidateAdmin(queryClient)]),
  });
}

export function useAdminAdjustCredits() {
  const queryClient = useQueryClient();
  return useMutation({
    ...adminAdjustCreditsMutation(),
    onSuccess: () => Promise.all([invalidateCredits(queryClient), invalidateAdmin(queryClient)]),
  });
}

export function useAdminRetryFailedItems() {
  const queryClient = useQueryClient();
  return useMutation({ ...adminRetryFailedItemsMutation(), onSuccess: () => invalidateAdmin(queryClient) });
}

/**
 * While a support session is open, this browser session reads the merchant's workspace: every workspace query
 * (balance, products, ...) is read again when it opens or ends.
 */
export function useAdminOpenSupportAccess() {
  const queryClient = useQueryClient();
  return useMutation({ ...adminOpenSupportAccessMutation(), onSuccess: () => queryClient.invalidateQueries() });
}

export function useAdminEndSupportAccess() {
  const queryClient = useQueryClient();
  return useMutation({ ...adminEndSupportAccessMutation(), onSuccess: () => queryClient.invalidateQueries() });
}

/** The merchant's side: who from Epox support opened the workspace, why, and until when. */
export function useSupportAccess() {
  return useQuery({ ...listSupportAccessOptions(), refetchInterval: 60_000 });
}

/** One key per confirmed action: a retry after a lost answer replays the first result instead of paying twice. */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

/** Money in millionths of a unit (provider costs, credit values) as dollars: cents for big amounts, more digits
 * for the fractions of a cent a single call costs. */
export function formatMicros(micros: number, currency = 'USD'): string {
  const value = micros / 1_000_000;
  const digits = Math.abs(value) >= 1 || value === 0 ? 2 : 4;
  return new Intl.NumberFormat(undefined, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}
