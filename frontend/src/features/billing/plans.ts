/**
 * The price list as the API publishes it (GET /billing/plans, /billing/packs, /credits/costs), and the pure rules
 * around it: prices per interval, the yearly saving, what a number of credits buys. No React here.
 */
import type { CostRateOut, PackOut, PlanOut, Price, SubscriptionOut, TrialTerms as TrialTermsOut } from '@/client/types.gen';

export type Plan = PlanOut;
export type Pack = PackOut;
export type Subscription = SubscriptionOut;
export type CostRate = CostRateOut;
export type TrialTerms = TrialTermsOut;
export type Interval = Price['interval'];

export const INTERVALS: readonly Interval[] = ['month', 'year'];

/** The plan every workspace starts on (and falls back to when a subscription ends). */
export const TRIAL_PLAN = 'trial';

/** The trial plan in the price list (GET /billing/plans); undefined while the list is loading. */
export function trialPlan(plans: readonly Plan[] | undefined): Plan | undefined {
  return plans?.find((plan) => plan.code === TRIAL_PLAN) ?? plans?.find(isFree);
}

/** "10 credits for 30 days": the trial plan's one-off grant at sign-up (`plan.trial`, null when it grants none). */
export function trialGrantLabel(trial: TrialTerms): string {
  return `${plural(trial.credits, 'credit')} for ${plural(trial.days, 'day')}`;
}

/** Stripe statuses in which the plan's entitlements apply (api/billing/service.py, ENTITLED_STATUSES). */
export const ENTITLED_STATUSES = new Set(['active', 'trialing', 'past_due']);

export function isInterval(value: string | null | undefined): value is Interval {
  return value === 'month' || value === 'year';
}

/** 4900, "usd" → "$49"; 4083 → "$40.83": whole amounts drop their cents. */
export function formatMoney(minor: number, currency: string): string {
  const whole = minor % 100 === 0;
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency: currency.toUpperCase(),
      minimumFractionDigits: whole ? 0 : 2,
      maximumFractionDigits: whole ? 0 : 2,
    }).format(minor / 100);
  } catch {
    return `${(minor / 100).toFixed(whole ? 0 : 2)} ${currency.toUpperCase()}`;
  }
}

/** What one credit of a pack costs: "24¢", "12.5¢", or "$1.20" from a dollar up. */
export function perCreditPrice(amount: number, credits: number, currency: string): string {
  const perCredit = credits > 0 ? amount / credits : 0;
  return perCredit < 100
    ? `${perCredit.toFixed(perCredit % 1 === 0 ? 0 : 1)}¢`
    : formatMoney(Math.round(perCredit), currency);
}

/** Where "Choose <plan>" leads: sign-up with the plan remembered, or Billing for someone already signed in. */
export function choosePlanPath(plan: Plan, interval: Interval, signedIn: boolean): string {
  const query = new URLSearchParams({ plan: plan.code, interval }).toString();
  return signedIn ? `/billing?${query}` : `/signup?${query}`;
}

export function priceOf(plan: Plan, interval: Interval) {
  return plan.prices.find((price) => price.interval === interval) ?? null;
}

/** The plan is free (the trial). */
export function isFree(plan: Plan): boolean {
  return plan.prices.every((price) => price.amount === 0);
}

export interface PlanPrice {
  /** What one period costs, formatted ("$490"). */
  amount: string;
  /** "/month" or "/year". */
  per: string;
  /** One line under the price: the other interval, or what yearly billing saves. */
  note: string | null;
  /** What a year costs less when paid yearly, formatted; null when there is no saving. */
  saving: string | null;
  /** The interval this price is for (a plan without a yearly price shows its monthly one). */
  interval: Interval;
}

/** What a year of monthly payments costs more than one yearly payment, in minor units (0 without a yearly price). */
export function yearlySaving(plan: Plan): number {
  const month = priceOf(plan, 'month');
  const year = priceOf(plan, 'year');
  if (!month || !year) return 0;
  return Math.max(0, month.amount * 12 - year.amount);
}

/** The saving as a share of a year of monthly payments, rounded: 17 for $588 → $490. */
export function yearlySavingPercent(plan: Plan): number {
  const month = priceOf(plan, 'month');
  if (!month || month.amount === 0) return 0;
  return Math.round((yearlySaving(plan) / (month.amount * 12)) * 100);
}

/** How a plan's price reads for the chosen interval. */
export function planPrice(plan: Plan, interval: Interval): PlanPrice {
  const wanted = priceOf(plan, interval);
  const price = wanted ?? priceOf(plan, 'month') ?? plan.prices[0];
  if (!price) return { amount: '—', per: '', note: null, saving: null, interval };
  const shown: Interval = price.interval;
  const amount = formatMoney(price.amount, price.currency);
  if (price.amount === 0) return { amount, per: '', note: null, saving: null, interval: shown };
  const saving = yearlySaving(plan);
  if (shown === 'year') {
    const perMonth = formatMoney(Math.round(price.amount / 12), price.currency);
    return {
      amount,
      per: '/year',
      note: `${perMonth}/month, billed yearly`,
      saving: saving > 0 ? formatMoney(saving, price.currency) : null,
      interval: 'year',
    };
  }
  const year = priceOf(plan, 'year');
  return {
    amount,
    per: '/month',
    note: year ? `or ${formatMoney(year.amount, year.currency)}/year` : null,
    saving: null,
    interval: 'month',
  };
}

/** The credits one period of the plan includes: yearly plans get twelve months of credits up front. */
export function creditsPerPeriod(plan: Plan, interval: Interval): number {
  return plan.monthly_credits * (interval === 'year' ? 12 : 1);
}

export function seatsLabel(seats: number | null): string {
  if (seats === null) return 'Unlimited seats';
  return `${formatNumber(seats)} ${seats === 1 ? 'seat' : 'seats'}`;
}

export function formatNumber(value: number): string {
  return new Intl.NumberFormat().format(value);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatNumber(count)} ${Math.abs(count) === 1 ? one : many}`;
}

/** The cheapest rate of an operation (the base quality or resolution), or null when the table has none. */
function cheapest(rates: readonly CostRate[], operation: string): number | null {
  const costs = rates.filter((rate) => rate.operation === operation && rate.credits > 0).map((rate) => rate.credits);
  return costs.length > 0 ? Math.min(...costs) : null;
}

/** "100 images or 20 videos": what `credits` buy at the cheapest image and video rates. */
export function creditsBuy(credits: number, rates: readonly CostRate[]): string | null {
  const image = cheapest(rates, 'image');
  const video = cheapest(rates, 'video');
  const parts: string[] = [];
  if (image) parts.push(plural(Math.floor(credits / image), 'image'));
  if (video) parts.push(plural(Math.floor(credits / video), 'video clip'));
  return parts.length > 0 ? `≈ ${parts.join(' or ')}` : null;
}

const OPERATION_LABELS: Record<string, string> = {
  image: 'Lifestyle image',
  video: 'Video clip',
  ai_edit: 'AI edit by instruction',
  upscale: 'Upscale',
  background_removal: 'Background removal',
  crop: 'Crop',
  resize: 'Resize',
  rotate: 'Rotate',
  adjust: 'Adjustments',
  trim: 'Video trim',
  approve: 'Approve',
  pin: 'Pin',
  favorite: 'Favorite',
  delete: 'Delete',
  sync: 'Publish to your store',
};

export function operationLabel(operation: string): string {
  const known = OPERATION_LABELS[operation];
  if (known) return known;
  const words = operation.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Generating first (what credits are mostly for), then edits. Unknown operations go last, in the API's order. */
const OPERATION_ORDER = ['image', 'video', 'ai_edit', 'upscale', 'background_removal'];

export interface CostLine {
  operation: string;
  label: string;
  /** "1k or 2k", "4k", or null when the price does not depend on a setting. */
  variant: string | null;
  credits: number;
  unit: string;
}

/**
 * The paid rows of the cost table, one line per price: variants of an operation that cost the same are merged
 * ("1k or 2k: 1 credit"). Free operations are listed apart (`free`), by label.
 */
export function costLines(rates: readonly CostRate[]): { paid: CostLine[]; free: string[] } {
  const paid: CostLine[] = [];
  const free: string[] = [];
  for (const rate of rates) {
    if (rate.credits <= 0) {
      free.push(operationLabel(rate.operation).toLowerCase());
      continue;
    }
    const same = paid.find((line) => line.operation === rate.operation && line.credits === rate.credits);
    if (same && rate.variant) {
      same.variant = same.variant ? `${same.variant} or ${rate.variant}` : rate.variant;
      continue;
    }
    paid.push({
      operation: rate.operation,
      label: operationLabel(rate.operation),
      variant: rate.variant || null,
      credits: rate.credits,
      unit: rate.unit,
    });
  }
  const rank = (operation: string) => {
    const index = OPERATION_ORDER.indexOf(operation);
    return index === -1 ? OPERATION_ORDER.length : index;
  };
  paid.sort((a, b) => rank(a.operation) - rank(b.operation) || a.credits - b.credits);
  return { paid, free: [...new Set(free)] };
}

export const STATUS_LABELS: Record<string, string> = {
  none: 'Free trial',
  trialing: 'Trial',
  active: 'Active',
  past_due: 'Payment failed',
  unpaid: 'Unpaid',
  incomplete: 'Awaiting payment',
  incomplete_expired: 'Expired',
  canceled: 'Canceled',
  paused: 'Paused',
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

export function statusTone(status: string): 'neutral' | 'accent' | 'success' | 'warning' | 'danger' {
  if (status === 'active') return 'success';
  if (status === 'trialing' || status === 'none') return 'accent';
  if (status === 'past_due' || status === 'incomplete') return 'warning';
  if (status === 'unpaid' || status === 'canceled' || status === 'incomplete_expired') return 'danger';
  return 'neutral';
}

/** The workspace pays for a plan that is running (so a new plan is a change, not a checkout). */
export function hasLiveSubscription(subscription: Subscription | undefined): boolean {
  return Boolean(subscription && ['active', 'trialing', 'past_due', 'incomplete', 'unpaid'].includes(subscription.status));
}
