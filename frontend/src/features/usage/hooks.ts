import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import {
  getCreditBalanceQueryKey,
  getUsageSettingsOptions,
  getUsageSettingsQueryKey,
  getUsageSummaryOptions,
  updateUsageSettingsMutation,
} from '@/client/@tanstack/react-query.gen';
import type {
  BurnOut,
  GetUsageSummaryData,
  UsagePartOut,
  UsagePointOut,
  UsageSettingsOut,
  UsageSummaryOut,
} from '@/client/types.gen';
import { formatCredits } from '@/features/credits/hooks';

export type UsageSummary = UsageSummaryOut;
export type UsagePoint = UsagePointOut;
export type UsagePart = UsagePartOut;
export type Burn = BurnOut;
export type UsageSettings = UsageSettingsOut;
export type UsageQuery = NonNullable<GetUsageSummaryData['query']>;

/** Usage moves with every finished job; re-read it every couple of minutes while the page is open. */
const USAGE_REFRESH_MS = 120_000;

/** One `/usage/summary` read; a new period keeps the previous chart on screen until the new one arrives. */
export function useUsageSummary(query: UsageQuery, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({
    ...getUsageSummaryOptions({ query }),
    enabled,
    placeholderData: keepPreviousData,
    refetchInterval: USAGE_REFRESH_MS,
  });
}

/** The burn rate and run-out date: the API's default summary (the last 30 days), shared with the usage page. */
export function useBurnRate() {
  return useQuery({ ...getUsageSummaryOptions({ query: {} }), refetchInterval: USAGE_REFRESH_MS, select: (summary) => summary.burn });
}

export function useUsageSettings() {
  return useQuery(getUsageSettingsOptions());
}

/** Thresholds change what `low_balance` says, so the balance is re-read with the new settings. */
export function useUpdateUsageSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    ...updateUsageSettingsMutation(),
    onSuccess: (settings) => {
      queryClient.setQueryData(getUsageSettingsQueryKey(), settings);
      void queryClient.invalidateQueries({ queryKey: getCreditBalanceQueryKey() });
      void queryClient.invalidateQueries({ predicate: (query) => (query.queryKey[0] as { _id?: unknown } | undefined)?._id === 'getUsageSummary' });
    },
  });
}

/** Operation colours, fixed so "Images" is the same colour in every chart and legend. */
const OPERATION_COLORS: Record<string, string> = {
  image: '#4f46e5',
  video: '#0e9f9a',
  edit: '#d97706',
  upscale: '#db2777',
  background_removal: '#16a34a',
};
const FALLBACK_COLORS = ['#7c3aed', '#0284c7', '#ca8a04', '#64748b'];
export const OTHER_COLOR = '#9ca3af';

export function operationColor(key: string | null, index = 0): string {
  if (key === null) return OTHER_COLOR;
  return OPERATION_COLORS[key] ?? FALLBACK_COLORS[index % FALLBACK_COLORS.length] ?? OTHER_COLOR;
}

const oneDecimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const percentFormat = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
const compactFormat = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

/** Small numbers as they are, big ones shortened ("12.5K") for chart axes. */
export function formatCompact(value: number): string {
  return Math.abs(value) < 10_000 ? formatCredits(value) : compactFormat.format(value);
}

export function formatRate(value: number): string {
  return oneDecimal.format(value);
}

export function formatPercent(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined ? '—' : percentFormat.format(ratio);
}

export function formatDays(days: number): string {
  if (days < 1) return 'less than a day';
  const whole = Math.floor(days);
  return `${formatCredits(whole)} ${whole === 1 ? 'day' : 'days'}`;
}
