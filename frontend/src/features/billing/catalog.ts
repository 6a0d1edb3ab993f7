/**
 * The catalog editor's forms (platform admins): what the inputs hold, the checks made before anything is sent (the
 * API's bounds from api/billing/catalog.py, said in the form's terms: money in dollars, seats possibly unlimited,
 * no yearly price), and the request bodies with money in cents. A new row sends every field; an edit sends only
 * the fields that changed. No React here.
 */
import type { AdminPackOut, AdminPlanOut, PackCreate, PlanCreate } from '@/client/types.gen';
import { parsePrice, priceInput } from '@/features/products/price';

import { formatNumber } from './plans';

export type AdminPlan = AdminPlanOut;
export type AdminPack = AdminPackOut;

const CODE = /^[a-z][a-z0-9_-]{1,39}$/;
const CURRENCY = /^[a-z]{3}$/;
const MAX_CREDITS = 1_000_000;
const MAX_CENTS = 100_000_000;
const MAX_SORT_ORDER = 10_000;

export interface PlanDraft {
  code: string;
  name: string;
  monthlyPrice: string;
  /** Empty: the plan has no yearly price. */
  yearlyPrice: string;
  currency: string;
  monthlyCredits: string;
  productSlots: string;
  seats: string;
  unlimitedSeats: boolean;
  concurrentJobs: string;
  apiAccess: boolean;
  rolloverCap: string;
  sortOrder: string;
  purchasable: boolean;
  trialCredits: string;
  trialDays: string;
}

export interface PackDraft {
  code: string;
  name: string;
  credits: string;
  price: string;
  currency: string;
  sortOrder: string;
  purchasable: boolean;
}

export type DraftErrors<D> = Partial<Record<keyof D, string>>;

/** Where each API field is typed in the plan form, so the API's field errors show under the right input. */
export const PLAN_FIELDS: Record<keyof PlanCreate, keyof PlanDraft> = {
  code: 'code',
  name: 'name',
  monthly_price_cents: 'monthlyPrice',
  yearly_price_cents: 'yearlyPrice',
  currency: 'currency',
  monthly_credits: 'monthlyCredits',
  product_slots: 'productSlots',
  seats: 'seats',
  concurrent_jobs: 'concurrentJobs',
  api_access: 'apiAccess',
  rollover_cap: 'rolloverCap',
  sort_order: 'sortOrder',
  purchasable: 'purchasable',
  trial_credits: 'trialCredits',
  trial_days: 'trialDays',
};

export const PACK_FIELDS: Record<keyof PackCreate, keyof PackDraft> = {
  code: 'code',
  name: 'name',
  credits: 'credits',
  price_cents: 'price',
  currency: 'currency',
  sort_order: 'sortOrder',
  purchasable: 'purchasable',
};

/** The place after the last row, for a new one. */
export function nextSortOrder(rows: readonly { sort_order: number }[]): number {
  return rows.length === 0 ? 0 : Math.min(MAX_SORT_ORDER, Math.max(...rows.map((row) => row.sort_order)) + 1);
}

export function planDraft(plan?: AdminPlan, sortOrder = 0): PlanDraft {
  return {
    code: plan?.code ?? '',
    name: plan?.name ?? '',
    monthlyPrice: priceInput(plan?.monthly_price_cents),
    yearlyPrice: priceInput(plan?.yearly_price_cents),
    currency: plan?.currency ?? 'usd',
    monthlyCredits: plan ? String(plan.monthly_credits) : '',
    productSlots: plan ? String(plan.product_slots) : '',
    seats: plan?.seats != null ? String(plan.seats) : plan ? '' : '1',
    unlimitedSeats: plan ? plan.seats === null : false,
    concurrentJobs: String(plan?.concurrent_jobs ?? 1),
    apiAccess: plan?.api_access ?? false,
    rolloverCap: String(plan?.rollover_cap ?? 0),
    sortOrder: String(plan?.sort_order ?? sortOrder),
    purchasable: plan?.purchasable ?? true,
    trialCredits: String(plan?.trial_credits ?? 0),
    trialDays: String(plan?.trial_days ?? 0),
  };
}

export function packDraft(pack?: AdminPack, sortOrder = 0): PackDraft {
  return {
    code: pack?.code ?? '',
    name: pack?.name ?? '',
    credits: pack ? String(pack.credits) : '',
    price: priceInput(pack?.price_cents),
    currency: pack?.currency ?? 'usd',
    sortOrder: String(pack?.sort_order ?? sortOrder),
    purchasable: pack?.purchasable ?? true,
  };
}

/** Reads inputs one by one, collecting a message per field that doesn't hold what the API accepts. */
class Reader<D> {
  errors: DraftErrors<D> = {};

  whole(field: keyof D, text: string, min: number, max: number, what: string): number {
    const cleaned = text.trim().replace(/[\s,]/g, '');
    const value = Number(cleaned);
    if (cleaned === '' || !/^\d+$/.test(cleaned)) this.errors[field] = `Enter ${what} as a whole number.`;
    else if (value < min || value > max)
      this.errors[field] = `Enter ${what} from ${formatNumber(min)} to ${formatNumber(max)}.`;
    return value;
  }

  /** Dollars typed ("49", "49.50", "1,490") → cents; empty gives null where that is allowed. */
  money(field: keyof D, text: string, { optional = false, positive = false } = {}): number | null {
    const cents = parsePrice(text);
    if (cents === null) {
      if (!optional) this.errors[field] = 'Enter a price, like 49 or 49.50.';
      return null;
    }
    if (Number.isNaN(cents)) this.errors[field] = 'Enter a price in dollars, like 49 or 49.50.';
    else if (cents > MAX_CENTS) this.errors[field] = `Enter at most ${formatNumber(MAX_CENTS / 100)}.`;
    else if (positive && cents === 0) this.errors[field] = 'Enter a price above zero.';
    return cents;
  }

  text(field: keyof D, text: string, pattern: RegExp, message: string): string {
    const value = text.trim();
    if (!pattern.test(value)) this.errors[field] = message;
    return value;
  }

  get ok(): boolean {
    return Object.keys(this.errors).length === 0;
  }
}

const CODE_RULE = 'Use 2 to 40 lower-case letters, digits, - or _, starting with a letter.';
const NAME_RULE = /^.{1,80}$/;
const NAME_MESSAGE = 'Give it a name of at most 80 characters.';
const CURRENCY_MESSAGE = 'Use a three-letter currency code, like usd.';

export type Checked<V, D> = { values: V; errors: null } | { values: null; errors: DraftErrors<D> };

/** Every field of a plan, checked; `code` is read only for a new plan. */
export function checkPlan(draft: PlanDraft, isNew: boolean): Checked<PlanCreate, PlanDraft> {
  const read = new Reader<PlanDraft>();
  const values: PlanCreate = {
    code: isNew ? read.text('code', draft.code, CODE, CODE_RULE) : draft.code,
    name: read.text('name', draft.name, NAME_RULE, NAME_MESSAGE),
    monthly_price_cents: read.money('monthlyPrice', draft.monthlyPrice) ?? 0,
    yearly_price_cents: read.money('yearlyPrice', draft.yearlyPrice, { optional: true }),
    currency: read.text('currency', draft.currency.toLowerCase(), CURRENCY, CURRENCY_MESSAGE),
    monthly_credits: read.whole('monthlyCredits', draft.monthlyCredits, 0, MAX_CREDITS, 'the credits a month'),
    product_slots: read.whole('productSlots', draft.productSlots, 0, MAX_CREDITS, 'the product slots'),
    seats: draft.unlimitedSeats ? null : read.whole('seats', draft.seats, 1, 10_000, 'the seats'),
    concurrent_jobs: read.whole('concurrentJobs', draft.concurrentJobs, 1, 100, 'the jobs at a time'),
    api_access: draft.apiAccess,
    rollover_cap: read.whole('rolloverCap', draft.rolloverCap, 0, MAX_CREDITS, 'the rollover cap'),
    sort_order: read.whole('sortOrder', draft.sortOrder, 0, MAX_SORT_ORDER, 'the position'),
    purchasable: draft.purchasable,
    trial_credits: read.whole('trialCredits', draft.trialCredits, 0, 10_000, 'the trial credits'),
    trial_days: read.whole('trialDays', draft.trialDays, 0, 365, 'the trial days'),
  };
  if (!read.errors.trialCredits && !read.errors.trialDays && (values.trial_credits ?? 0) > 0 && !values.trial_days) {
    read.errors.trialDays = 'Say how many days the trial credits last.';
  }
  return read.ok ? { values, errors: null } : { values: null, errors: read.errors };
}

export function checkPack(draft: PackDraft, isNew: boolean): Checked<PackCreate, PackDraft> {
  const read = new Reader<PackDraft>();
  const values: PackCreate = {
    code: isNew ? read.text('code', draft.code, CODE, CODE_RULE) : draft.code,
    name: read.text('name', draft.name, NAME_RULE, NAME_MESSAGE),
    credits: read.whole('credits', draft.credits, 1, MAX_CREDITS, 'the credits'),
    // Packs are always paid for (a free pack would be a grant: Admin → credits).
    price_cents: read.money('price', draft.price, { positive: true }) ?? 0,
    currency: read.text('currency', draft.currency.toLowerCase(), CURRENCY, CURRENCY_MESSAGE),
    sort_order: read.whole('sortOrder', draft.sortOrder, 0, MAX_SORT_ORDER, 'the position'),
    purchasable: draft.purchasable,
  };
  return read.ok ? { values, errors: null } : { values: null, errors: read.errors };
}

/** The fields whose value differs from the row as stored; the code names the row and never changes. */
export function changedFields<V extends { code: string }>(values: V, stored: object): Partial<Omit<V, 'code'>> {
  const row = stored as Record<string, unknown>;
  const changes: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(values)) {
    if (field !== 'code' && value !== row[field]) changes[field] = value;
  }
  return changes as Partial<Omit<V, 'code'>>;
}
