/** Payloads of the billing endpoints, shaped like the API's schemas (the launch price list of design/domain.md). */

function plan(
  code: string,
  name: string,
  slots: number,
  credits: number,
  monthly: number,
  yearly: number | null,
  seats: number | null,
  jobs: number,
  api: boolean,
  purchasable = true,
  trial: { credits: number; days: number } | null = null,
) {
  const prices: { interval: string; amount: number; currency: string }[] = [
    { interval: 'month', amount: monthly, currency: 'usd' },
  ];
  if (yearly !== null) prices.push({ interval: 'year', amount: yearly, currency: 'usd' });
  return {
    code,
    name,
    product_slots: slots,
    monthly_credits: credits,
    prices,
    limits: { seats, concurrent_jobs: jobs, api_access: api, rollover_cap: 0 },
    purchasable,
    trial,
  };
}

export const PLANS = [
  plan('trial', 'Free trial', 25, 0, 0, null, 1, 1, false, false, { credits: 10, days: 30 }),
  plan('starter', 'Starter', 100, 100, 4900, 49000, 1, 2, false),
  plan('pro', 'Pro', 500, 500, 14900, 149000, 3, 5, true),
  plan('business', 'Business', 1000, 1000, 29900, 299000, 10, 10, true),
  plan('scale', 'Scale', 5000, 5000, 89900, 899000, null, 20, true),
];

export const plansResponse = { items: PLANS };

/** The price list with other trial terms (`null`: the trial grants no credits). */
export function plansWithTrial(trial: { credits: number; days: number } | null) {
  return { items: PLANS.map((item) => (item.code === 'trial' ? { ...item, trial } : item)) };
}

export const packsResponse = {
  items: [
    { code: 'pack_50', name: '50 credits', credits: 50, price: { amount: 1200, currency: 'usd' } },
    { code: 'pack_200', name: '200 credits', credits: 200, price: { amount: 4000, currency: 'usd' } },
    { code: 'pack_1000', name: '1,000 credits', credits: 1000, price: { amount: 15000, currency: 'usd' } },
  ],
};

function rate(operation: string, parameter: string | null, variant: string | null, credits: number, unit: string) {
  return { operation, parameter, variant, credits, unit };
}

export const costTable = {
  version: 1,
  published_at: '2026-11-26T23:00:00Z',
  rates: [
    rate('image', 'quality', '1k', 1, 'delivered image'),
    rate('image', 'quality', '2k', 1, 'delivered image'),
    rate('image', 'quality', '4k', 2, 'delivered image'),
    rate('ai_edit', null, null, 1, 'edit'),
    rate('upscale', 'quality', '2k', 1, 'upscaled image'),
    rate('upscale', 'quality', '4k', 2, 'upscaled image'),
    rate('background_removal', null, null, 1, 'image'),
    rate('video', 'resolution', '720p', 5, 'clip'),
    rate('video', 'resolution', '1080p', 8, 'clip'),
    rate('crop', null, null, 0, 'operation'),
    rate('approve', null, null, 0, 'operation'),
  ],
};

export function planByCode(code: string) {
  const found = PLANS.find((item) => item.code === code);
  if (!found) throw new Error(`no plan ${code} in the fixtures`);
  return found;
}

/** GET /billing/subscription: the trial by default; `subscribed(...)` for a paid plan. */
export function subscriptionFixture(overrides: Record<string, unknown> = {}) {
  return {
    plan: planByCode('trial'),
    status: 'none',
    interval: null,
    current_period_start: null,
    current_period_end: null,
    cancel_at_period_end: false,
    scheduled_change: null,
    usage: {
      product_slots_used: 3,
      product_slots_limit: 25,
      seats_used: 1,
      seats_limit: 1,
      credits_available: 10,
    },
    ...overrides,
  };
}

export function subscribed(code: string, overrides: Record<string, unknown> = {}) {
  const paid = planByCode(code);
  return subscriptionFixture({
    plan: paid,
    status: 'active',
    interval: 'month',
    current_period_start: '2026-11-20T09:00:00Z',
    current_period_end: '2026-12-20T09:00:00Z',
    usage: {
      product_slots_used: 3,
      product_slots_limit: paid.product_slots,
      seats_used: 1,
      seats_limit: paid.limits.seats,
      credits_available: 110,
    },
    ...overrides,
  });
}

export function invoiceFixture(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    stripe_invoice_id: `in_${id}`,
    number: `EPX-${id.toUpperCase()}-0001`,
    status: 'paid',
    currency: 'usd',
    amount_due: 4900,
    amount_paid: 4900,
    billing_reason: 'subscription_create',
    period_start: '2026-11-20T09:00:00Z',
    period_end: '2026-12-20T09:00:00Z',
    hosted_invoice_url: `https://stripe.test/invoices/in_${id}`,
    invoice_pdf: `https://stripe.test/invoices/in_${id}/pdf`,
    created: '2026-11-20T09:00:00Z',
    ...overrides,
  };
}

export const noInvoices = { items: [], next_cursor: null };

/** GET /admin/plans rows: the launch price list as stored (flat fields, cents). */
export function adminPlanRows() {
  return PLANS.map((item, index) => ({
    code: item.code,
    name: item.name,
    product_slots: item.product_slots,
    monthly_credits: item.monthly_credits,
    monthly_price_cents: item.prices.find((price) => price.interval === 'month')?.amount ?? 0,
    yearly_price_cents: item.prices.find((price) => price.interval === 'year')?.amount ?? null,
    currency: 'usd',
    seats: item.limits.seats,
    concurrent_jobs: item.limits.concurrent_jobs,
    api_access: item.limits.api_access,
    rollover_cap: 0,
    sort_order: index * 10,
    purchasable: item.purchasable,
    trial_credits: item.trial?.credits ?? 0,
    trial_days: item.trial?.days ?? 0,
  }));
}

/** GET /admin/packs rows. */
export function adminPackRows() {
  return packsResponse.items.map((item, index) => ({
    code: item.code,
    name: item.name,
    credits: item.credits,
    price_cents: item.price.amount,
    currency: item.price.currency,
    sort_order: (index + 1) * 10,
    purchasable: true,
  }));
}
