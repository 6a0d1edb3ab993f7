import { type QueryClient, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

import {
  getCreditBalanceOptions,
  getCreditBalanceQueryKey,
  listCreditEntriesInfiniteOptions,
} from '@/client/@tanstack/react-query.gen';
import { listCreditEntries } from '@/client/sdk.gen';
import type { ActorType, BalanceOut, EntryOut, EntryType, ListCreditEntriesData } from '@/client/types.gen';

export type Balance = BalanceOut;
export type CreditEntry = EntryOut;
export type { EntryType };
export type EntryFilters = Omit<NonNullable<ListCreditEntriesData['query']>, 'format' | 'cursor' | 'limit'>;

/** How often the balance is re-read while the app is open (jobs spend credits in the background). */
export const BALANCE_REFRESH_MS = 60_000;

export const ENTRY_TYPES: readonly EntryType[] = [
  'grant',
  'hold',
  'capture',
  'release',
  'refund',
  'expire',
  'adjust',
  'clawback',
];

export const ENTRY_TYPE_LABELS: Record<EntryType, string> = {
  grant: 'Grant',
  hold: 'Hold',
  capture: 'Charge',
  release: 'Release',
  refund: 'Refund',
  expire: 'Expiry',
  adjust: 'Adjustment',
  clawback: 'Clawback',
};

export const ACTOR_LABELS: Record<ActorType, string> = {
  system: 'Epox',
  user: 'A member',
  api_key: 'API key',
  platform_admin: 'Epox support',
};

/** The order lots pay for work, as the API publishes it (GET /credits/balance). */
export const DRAW_DOWN_SUMMARY =
  'Credits are used soonest-expiring first (credits that never expire last), then promotional before paid, then oldest first.';

/** The workspace's credit balance, re-read every minute and whenever something changed credits. */
export function useCreditBalance() {
  return useQuery({ ...getCreditBalanceOptions(), refetchInterval: BALANCE_REFRESH_MS });
}

const CREDIT_QUERIES = new Set(['getCreditBalance', 'listCreditEntries']);

export function invalidateCredits(queryClient: QueryClient) {
  return queryClient.invalidateQueries({
    predicate: (query) => CREDIT_QUERIES.has(String((query.queryKey[0] as { _id?: unknown } | undefined)?._id)),
  });
}

/**
 * Any successful mutation may have moved credits (a generation holds them, an admin grant adds some): the balance
 * is re-read after each one, so the header and the dashboard never show a stale number for long.
 */
export function useRefreshCreditsAfterMutations() {
  const queryClient = useQueryClient();
  useEffect(() => {
    return queryClient.getMutationCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'success') {
        void queryClient.invalidateQueries({ queryKey: getCreditBalanceQueryKey() });
      }
    });
  }, [queryClient]);
}

/** Keyset pages: the first page is `{}` (see features/members/hooks.ts), the next ones use `next_cursor`. */
const cursorPages = {
  initialPageParam: {},
  getNextPageParam: (page: { next_cursor?: string | null }) => page.next_cursor ?? undefined,
};

export const ENTRIES_PAGE_SIZE = 50;

export function useCreditEntries(filters: EntryFilters) {
  return useInfiniteQuery({
    ...listCreditEntriesInfiniteOptions({ query: { limit: ENTRIES_PAGE_SIZE, ...filters } }),
    ...cursorPages,
  });
}

/** Every matching entry as CSV, through the API's export (the generated client reads the body as text). */
export async function fetchCreditEntriesCsv(filters: EntryFilters): Promise<string> {
  const { data } = await listCreditEntries({
    query: { ...filters, format: 'csv' },
    parseAs: 'text',
    throwOnError: true,
  });
  // The OpenAPI document types the 200 as the JSON page; with `format=csv` and parseAs 'text' it is the CSV.
  return data as unknown as string;
}

export function saveTextFile(text: string, filename: string, type = 'text/csv;charset=utf-8') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function formatCredits(value: number): string {
  return new Intl.NumberFormat().format(value);
}

export function creditsLabel(value: number): string {
  return `${formatCredits(value)} ${Math.abs(value) === 1 ? 'credit' : 'credits'}`;
}

export function signed(value: number): string {
  if (value > 0) return `+${formatCredits(value)}`;
  if (value < 0) return `−${formatCredits(-value)}`;
  return '0';
}
