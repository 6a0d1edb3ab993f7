/**
 * The usage page's period: a preset ("last 30 days") or a custom range of local days, and how the chart groups
 * them. Days are `YYYY-MM-DD` strings, like the API's `from` and `to` (both inclusive, at most two years).
 */

export type GroupBy = 'day' | 'week' | 'month';
export type PresetKey = '7d' | '30d' | '90d' | '12m' | 'custom';

/** The API refuses longer ranges (two years, leap day included). */
export const MAX_RANGE_DAYS = 731;

export const PRESETS: readonly { key: Exclude<PresetKey, 'custom'>; label: string; days: number }[] = [
  { key: '7d', label: 'Last 7 days', days: 7 },
  { key: '30d', label: 'Last 30 days', days: 30 },
  { key: '90d', label: 'Last 90 days', days: 90 },
  { key: '12m', label: 'Last 12 months', days: 365 },
];

export const GROUP_LABELS: Record<GroupBy, string> = { day: 'Day', week: 'Week', month: 'Month' };

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MS_PER_DAY = 86_400_000;

function utcDate(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

export function isDay(value: string | null | undefined): value is string {
  return !!value && DAY.test(value) && !Number.isNaN(utcDate(value).getTime()) && utcDate(value).toISOString().startsWith(value);
}

/** Today in the browser's time zone. */
export function localToday(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function addDays(day: string, days: number): string {
  return new Date(utcDate(day).getTime() + days * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Days in the range, both ends included. */
export function rangeDays(from: string, to: string): number {
  return Math.round((utcDate(to).getTime() - utcDate(from).getTime()) / MS_PER_DAY) + 1;
}

/** A readable grouping for a range: days up to a quarter, weeks up to a year, months beyond. */
export function defaultGroup(from: string, to: string): GroupBy {
  const days = rangeDays(from, to);
  if (days <= 92) return 'day';
  if (days <= 366) return 'week';
  return 'month';
}

export interface Period {
  preset: PresetKey;
  from: string;
  to: string;
  groupBy: GroupBy;
  /** Set when a custom range cannot be asked for; the last valid range is not kept, nothing is queried. */
  errors: { from?: string; to?: string };
}

export function checkRange(from: string | null, to: string | null): Period['errors'] {
  if (!isDay(from)) return { from: 'Pick the first day.' };
  if (!isDay(to)) return { to: 'Pick the last day.' };
  if (from > to) return { to: 'The last day must be on or after the first day.' };
  if (rangeDays(from, to) > MAX_RANGE_DAYS) return { to: 'Pick at most two years (731 days).' };
  return {};
}

function isGroup(value: string | null): value is GroupBy {
  return value === 'day' || value === 'week' || value === 'month';
}

/** The period the URL asks for (`?period=30d`, or `?period=custom&from=&to=`, and `&group=`); 30 days by default. */
export function readPeriod(params: URLSearchParams, today: string): Period {
  const asked = params.get('period');
  const group = params.get('group');
  if (asked === 'custom') {
    const from = params.get('from') ?? '';
    const to = params.get('to') ?? '';
    const errors = checkRange(from, to);
    const valid = Object.keys(errors).length === 0;
    return {
      preset: 'custom',
      from,
      to,
      groupBy: isGroup(group) ? group : valid ? defaultGroup(from, to) : 'day',
      errors,
    };
  }
  const preset = PRESETS.find((p) => p.key === asked) ?? PRESETS[1];
  const from = addDays(today, 1 - preset.days);
  return { preset: preset.key, from, to: today, groupBy: isGroup(group) ? group : defaultGroup(from, today), errors: {} };
}

const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
const dayYearFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });

/** "3 Mar", "Week of 3 Mar", "Mar 2026": a period's start as people read it (short: for chart axes). */
export function periodLabel(day: string, groupBy: GroupBy, short = false): string {
  const date = utcDate(day);
  if (groupBy === 'month') return monthFormat.format(date);
  if (groupBy === 'week' && !short) return `Week of ${dayYearFormat.format(date)}`;
  return short ? dayFormat.format(date) : dayYearFormat.format(date);
}

/** A local day as a readable date ("3 Mar 2026"), without shifting it through a time zone. */
export function formatDay(day: string): string {
  return dayYearFormat.format(utcDate(day));
}
