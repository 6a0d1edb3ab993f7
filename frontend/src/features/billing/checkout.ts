/**
 * The way back from Stripe Checkout. Stripe sends the browser to `/billing?checkout=success&session_id=...` as soon
 * as the payment went through, but plans and credits only change when Stripe's webhook reaches the API (usually a
 * second later, sometimes more). So before leaving, the SPA remembers what is being bought and the balance then;
 * back on the Billing page it re-reads the subscription and the balance every second until they show the purchase.
 */
import type { BalanceOut, SubscriptionOut } from '@/client/types.gen';

import { ENTITLED_STATUSES, type Interval } from './plans';

export interface CheckoutIntent {
  kind: 'plan' | 'pack';
  code: string;
  name: string;
  interval: Interval | null;
  /** Credits the purchase adds: the pack's, or the plan's for one period. */
  credits: number;
  /** The available balance when checkout started; null when it was not known. */
  availableBefore: number | null;
  /** Where the merchant started: the onboarding wizard offers to carry on there afterwards. */
  from: 'billing' | 'onboarding';
}

/** How often, and for how long, the Billing page re-reads the subscription and balance after a payment. */
export const CHECKOUT_POLL = { intervalMs: 1000, timeoutMs: 30_000 };

const KEY = 'epox.checkout';

export function saveCheckoutIntent(intent: CheckoutIntent): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(intent));
  } catch {
    // Private mode without storage: the way back waits for any change instead.
  }
}

export function loadCheckoutIntent(): CheckoutIntent | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as Partial<CheckoutIntent>;
    if ((value.kind !== 'plan' && value.kind !== 'pack') || typeof value.code !== 'string') return null;
    return {
      kind: value.kind,
      code: value.code,
      name: typeof value.name === 'string' ? value.name : value.code,
      interval: value.interval === 'month' || value.interval === 'year' ? value.interval : null,
      credits: typeof value.credits === 'number' ? value.credits : 0,
      availableBefore: typeof value.availableBefore === 'number' ? value.availableBefore : null,
      from: value.from === 'onboarding' ? 'onboarding' : 'billing',
    };
  } catch {
    return null;
  }
}

export function clearCheckoutIntent(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing stored.
  }
}

/** What the page saw first, for a way back without a remembered intent (another tab, storage off). */
export interface Baseline {
  planCode: string;
  status: string;
  available: number;
}

export function baselineOf(subscription: SubscriptionOut, balance: BalanceOut): Baseline {
  return { planCode: subscription.plan.code, status: subscription.status, available: balance.available };
}

/**
 * Whether the purchase shows yet. A plan: the subscription is on it (and paid for), and the balance grew by its
 * credits. A pack: the balance grew by its credits. Without an intent: anything changed since the page loaded.
 */
export function purchaseArrived(
  intent: CheckoutIntent | null,
  baseline: Baseline | null,
  subscription: SubscriptionOut | undefined,
  balance: BalanceOut | undefined,
): boolean {
  if (!subscription || !balance) return false;
  const creditsIn = (before: number | null) => before === null || balance.available >= before + (intent?.credits ?? 0);
  if (intent?.kind === 'plan') {
    return (
      subscription.plan.code === intent.code &&
      ENTITLED_STATUSES.has(subscription.status) &&
      creditsIn(intent.availableBefore)
    );
  }
  if (intent?.kind === 'pack') {
    if (intent.availableBefore !== null) return creditsIn(intent.availableBefore);
    return baseline !== null && balance.available > baseline.available;
  }
  if (!baseline) return false;
  return (
    subscription.plan.code !== baseline.planCode ||
    subscription.status !== baseline.status ||
    balance.available > baseline.available
  );
}
