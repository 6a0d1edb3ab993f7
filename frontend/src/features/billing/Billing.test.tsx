import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { type Handler, json, makeMe, mockApi, problem } from '@/test/api';
import {
  costTable,
  invoiceFixture,
  noInvoices,
  packsResponse,
  planByCode,
  plansResponse,
  subscribed,
  subscriptionFixture,
} from '@/test/billing';
import { balance, noNotifications } from '@/test/credits';
import { productFixture } from '@/test/products';
import { renderApp } from '@/test/render';

import { CHECKOUT_POLL, type CheckoutIntent, saveCheckoutIntent } from './checkout';
import { billingRedirect } from './hooks';
import { initialKeep, keepSummary, toggleKeep } from './keep';

type Role = 'owner' | 'admin' | 'member' | 'viewer';

/** What every signed-in page asks for, plus the billing page's own reads. */
function api(handlers: Record<string, Handler>, role: Role = 'owner') {
  return mockApi({
    'GET /api/v1/me': () => json(makeMe({ role })),
    'GET /api/v1/credits/balance': () => json(balance({ available: 10, held: 0 })),
    'GET /api/v1/notifications': () => json(noNotifications),
    'GET /api/v1/billing/plans': () => json(plansResponse),
    'GET /api/v1/billing/packs': () => json(packsResponse),
    'GET /api/v1/credits/costs': () => json(costTable),
    'GET /api/v1/billing/invoices': () => json(noInvoices),
    'GET /api/v1/billing/subscription': () => json(subscriptionFixture()),
    ...handlers,
  });
}

const pathOf = (request: Request) => new URL(request.url).pathname;

const starterIntent: CheckoutIntent = {
  kind: 'plan',
  code: 'starter',
  name: 'Starter',
  interval: 'month',
  credits: 100,
  availableBefore: 10,
  from: 'onboarding',
};

const defaultPoll = { ...CHECKOUT_POLL };

beforeEach(() => {
  sessionStorage.clear();
  // Fast polling in tests: the behaviour is the same at 1 s.
  CHECKOUT_POLL.intervalMs = 25;
  CHECKOUT_POLL.timeoutMs = 5_000;
});

afterEach(() => {
  Object.assign(CHECKOUT_POLL, defaultPoll);
  vi.restoreAllMocks();
});

describe('Back from Stripe Checkout', () => {
  it('says the payment is in, polls until the plan and its credits show, then shows them', async () => {
    saveCheckoutIntent(starterIntent);
    let confirmed = false;
    let subscriptionReads = 0;
    const { calls } = api({
      'GET /api/v1/billing/subscription': () => {
        subscriptionReads += 1;
        // Stripe's webhook lands after a few reads.
        if (subscriptionReads >= 4) confirmed = true;
        return json(confirmed ? subscribed('starter') : subscriptionFixture());
      },
      'GET /api/v1/credits/balance': () => json(balance({ available: confirmed ? 110 : 10, held: 0 })),
    });
    const { router } = renderApp('/billing?checkout=success&session_id=cs_test_1');

    expect(await screen.findByText('Payment received — your credits are on their way')).toBeInTheDocument();
    // The address bar loses the checkout query, so a reload doesn't replay it.
    await waitFor(() => expect(router.state.location.search).toBe(''));
    expect(screen.getByTestId('current-plan')).toHaveTextContent('Free trial');

    expect(await screen.findByText("You're on the Starter plan")).toBeInTheDocument();
    expect(screen.getByText('100 credits added: you have 110 to use.')).toBeInTheDocument();
    expect(screen.queryByText('Payment received — your credits are on their way')).not.toBeInTheDocument();
    expect(screen.getByTestId('current-plan')).toHaveTextContent('Starter');
    expect(screen.getByTestId('billing-credits')).toHaveTextContent('110 available');
    // Started from the wizard: the way back offers to carry on there.
    expect(screen.getByRole('link', { name: 'Continue setting up' })).toHaveAttribute('href', '/welcome');
    expect(sessionStorage.getItem('epox.checkout')).toBeNull();

    // Polling stops once the purchase shows.
    const reads = () => calls.filter((call) => pathOf(call) === '/api/v1/billing/subscription').length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    const settled = reads();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(reads()).toBe(settled);
  }, 15_000);

  it('waits for a pack by the balance, and stops after the timeout with a way to check again', async () => {
    CHECKOUT_POLL.timeoutMs = 300;
    saveCheckoutIntent({ ...starterIntent, kind: 'pack', code: 'pack_50', name: '50 credits', interval: null, credits: 50, from: 'billing' });
    let available = 10;
    api({ 'GET /api/v1/credits/balance': () => json(balance({ available, held: 0 })) });
    const { user } = renderApp('/billing?checkout=success&session_id=cs_test_2');
    await screen.findByText('Payment received — your credits are on their way');

    expect(await screen.findByText("Payment received — still waiting for Stripe's confirmation", {}, { timeout: 3000 })).toBeInTheDocument();
    available = 60;
    await user.click(screen.getByRole('button', { name: 'Check again' }));
    expect(await screen.findByText('50 credits added')).toBeInTheDocument();
    expect(screen.getByText(/You have 60 credits to use/)).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Continue setting up' })).not.toBeInTheDocument();
  }, 15_000);

  it('says nothing was charged after a canceled checkout', async () => {
    saveCheckoutIntent(starterIntent);
    api({});
    renderApp('/billing?checkout=canceled');
    expect(await screen.findByText('Checkout canceled: nothing was charged')).toBeInTheDocument();
    await waitFor(() => expect(sessionStorage.getItem('epox.checkout')).toBeNull());
  });
});

describe('The free trial on the Billing page', () => {
  it("states the trial plan's own grant, or that it grants no credits", async () => {
    api({});
    const { unmount } = renderApp('/billing');
    expect(
      await screen.findByText("You're on the free trial: 10 credits for 30 days and 25 product slots. Choose a plan below whenever you're ready."),
    ).toBeInTheDocument();
    expect(screen.getByText(/10 credits for 30 days · 25 product slots · 1 seat/)).toBeInTheDocument();
    expect(screen.getByText('The trial includes 10 credits. Plans add credits every month; packs never expire.')).toBeInTheDocument();
    unmount();

    const noGrant = { ...planByCode('trial'), trial: null };
    api({ 'GET /api/v1/billing/subscription': () => json(subscriptionFixture({ plan: noGrant })) });
    renderApp('/billing');
    expect(
      await screen.findByText("You're on the free trial with 25 product slots. Choose a plan below whenever you're ready."),
    ).toBeInTheDocument();
    expect(screen.getByText(/No free credits · 25 product slots/)).toBeInTheDocument();
    expect(screen.getByText(/The trial includes no credits\./)).toBeInTheDocument();
  });
});

describe('Buying', () => {
  it('starts a pack checkout with an Idempotency-Key and remembers it for the way back', async () => {
    const go = vi.spyOn(billingRedirect, 'go').mockImplementation(() => {});
    const { calls } = api({
      'POST /api/v1/billing/checkout': () => json({ checkout_url: 'http://stripe.test/pay/cs_1' }),
    });
    const { user } = renderApp('/billing');
    const packs = within(await screen.findByRole('list', { name: 'Credit packs' }));
    await screen.findByRole('link', { name: /10 credits available/ });
    await user.click(packs.getByRole('button', { name: 'Buy 50 credits' }));
    await waitFor(() => expect(go).toHaveBeenCalledWith('http://stripe.test/pay/cs_1'));
    const post = calls.find((call) => call.method === 'POST' && pathOf(call) === '/api/v1/billing/checkout');
    expect(await post?.json()).toEqual({ pack_code: 'pack_50' });
    expect(post?.headers.get('Idempotency-Key')).toBeTruthy();
    expect(JSON.parse(sessionStorage.getItem('epox.checkout') ?? '{}')).toMatchObject({
      kind: 'pack',
      credits: 50,
      availableBefore: 10,
      from: 'billing',
    });
  });

  it('explains billing that is not configured, and a second subscription', async () => {
    api({
      'POST /api/v1/billing/checkout': async (request) => {
        const body = (await request.json()) as { pack_code?: string };
        return body.pack_code
          ? problem(503, { code: 'billing_not_configured', title: 'Billing is not configured' })
          : problem(409, { code: 'subscription_active' });
      },
    });
    const { user } = renderApp('/billing');
    await user.click(await screen.findByRole('button', { name: 'Buy 200 credits' }));
    expect(await screen.findByRole('alert')).toHaveTextContent("Payments aren't switched on for this Epox server yet");
    await user.click(screen.getByRole('button', { name: 'Choose Pro' }));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('already has a subscription'));
  });

  it('lists invoices with links to the hosted page and the PDF', async () => {
    api({
      'GET /api/v1/billing/subscription': () => json(subscribed('starter')),
      'GET /api/v1/billing/invoices': () => json({ items: [invoiceFixture('a1')], next_cursor: null }),
    });
    renderApp('/billing');
    const table = await screen.findByRole('table', { name: 'Invoices' });
    const row = within(table).getAllByRole('row')[1];
    if (!row) throw new Error('no invoice row');
    expect(row).toHaveTextContent('EPX-A1-0001');
    expect(row).toHaveTextContent('$49');
    expect(row).toHaveTextContent('Paid');
    expect(within(row).getByRole('link', { name: /View invoice/ })).toHaveAttribute('href', 'https://stripe.test/invoices/in_a1');
    expect(within(row).getByRole('link', { name: /as PDF/ })).toHaveAttribute('href', 'https://stripe.test/invoices/in_a1/pdf');
  });
});

describe('Downgrade review', () => {
  it('keeps the oldest products by default, refuses more than the slots, and saves the choice', () => {
    const products = [
      { id: 'p4', created_at: '2026-11-04T00:00:00Z' },
      { id: 'p1', created_at: '2026-11-01T00:00:00Z' },
      { id: 'p3', created_at: '2026-11-03T00:00:00Z' },
      { id: 'p2', created_at: '2026-11-02T00:00:00Z' },
    ];
    expect(initialKeep(products, 2)).toEqual(['p1', 'p2']);
    expect(initialKeep(products, 2, ['p4', 'gone'])).toEqual(['p4']);
    const full = new Set(['p1', 'p2']);
    expect(toggleKeep(full, 'p3', 2)).toEqual(full);
    expect(toggleKeep(full, 'p1', 2)).toEqual(new Set(['p2']));
    expect(keepSummary(4, 1, 2)).toEqual({ chosen: 1, archived: 2, filledByAge: 1, full: false });
  });

  it('previews a downgrade, schedules it, and lets the merchant pick the products that stay', async () => {
    // A Starter with 2 slots, so 4 products are over it.
    const smallStarter = { ...planByCode('starter'), product_slots: 2 };
    const plans = { items: plansResponse.items.map((plan) => (plan.code === 'starter' ? smallStarter : plan)) };
    const products = [
      productFixture({ id: 'p4', name: 'Oak table', created_at: '2026-11-04T00:00:00Z' }),
      productFixture({ id: 'p3', name: 'Linen chair', created_at: '2026-11-03T00:00:00Z' }),
      productFixture({ id: 'p2', name: 'Brass lamp', created_at: '2026-11-02T00:00:00Z' }),
      productFixture({ id: 'p1', name: 'Velvet sofa', created_at: '2026-11-01T00:00:00Z' }),
    ];
    const change = (preview: boolean) => ({
      applied: !preview,
      applies_at: 'period_end',
      effective_at: '2026-12-20T09:00:00Z',
      plan_code: 'starter',
      interval: 'month',
      price_difference: -10000,
      currency: 'usd',
      monthly_credits_difference: -400,
      product_slots_difference: -498,
      seats_difference: -2,
      products_over_limit: 2,
    });
    const { calls } = api({
      'GET /api/v1/billing/plans': () => json(plans),
      'GET /api/v1/billing/subscription': () =>
        json(subscribed('pro', { usage: { product_slots_used: 4, product_slots_limit: 500, seats_used: 1, seats_limit: 3, credits_available: 510 } })),
      'POST /api/v1/billing/subscription/change': async (request) => {
        const body = (await request.json()) as { preview?: boolean };
        return json(change(Boolean(body.preview)));
      },
      'GET /api/v1/products': () => json({ items: products, next_cursor: null }),
      'POST /api/v1/billing/subscription/keep-products': async (request) => {
        const body = (await request.json()) as { product_ids: string[] };
        return json({ keep_product_ids: body.product_ids, applies_at: '2026-12-20T09:00:00Z' });
      },
    });
    const { user } = renderApp('/billing');
    const starter = within(await screen.findByRole('listitem', { name: 'Starter' }));
    expect(within(screen.getByRole('listitem', { name: 'Pro' })).getByRole('button', { name: 'Your plan' })).toBeDisabled();
    await user.click(starter.getByRole('button', { name: 'Switch to Starter' }));

    const preview = within(await screen.findByRole('dialog', { name: /Switch to Starter/ }));
    const table = preview.getByRole('table', { name: 'What changes' });
    await within(table).findByText('−$100');
    expect(within(table).getByRole('row', { name: /Credits a month/ })).toHaveTextContent('500100−400');
    expect(within(table).getByRole('row', { name: /Product slots/ })).toHaveTextContent('5002−498');
    expect(preview.getByText(/Applies on/)).toBeInTheDocument();
    expect(preview.getByText('2 products are over Starter\'s slots')).toBeInTheDocument();
    const previewCall = calls.find((call) => pathOf(call) === '/api/v1/billing/subscription/change');
    expect(await previewCall?.json()).toEqual({ plan_code: 'starter', interval: 'month', preview: true });

    await user.click(preview.getByRole('button', { name: 'Switch at period end' }));
    const review = within(await screen.findByRole('dialog', { name: 'Choose the products that stay active' }));
    const box = (name: string) => review.getByRole('checkbox', { name: new RegExp(name) });
    await review.findByRole('list', { name: 'Products to keep' });
    // The oldest two by default, like the API would keep.
    expect(box('Velvet sofa')).toBeChecked();
    expect(box('Brass lamp')).toBeChecked();
    expect(box('Oak table')).not.toBeChecked();
    expect(box('Oak table')).toBeDisabled();
    expect(review.getByText(/2 of 2/)).toBeInTheDocument();

    await user.click(box('Brass lamp'));
    expect(box('Oak table')).toBeEnabled();
    await user.click(box('Oak table'));
    expect(box('Linen chair')).toBeDisabled();
    await user.click(review.getByRole('button', { name: 'Keep 2 products' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const keep = calls.find((call) => pathOf(call) === '/api/v1/billing/subscription/keep-products');
    expect(await keep?.json()).toEqual({ product_ids: ['p1', 'p4'] });
    const applied = calls.filter((call) => pathOf(call) === '/api/v1/billing/subscription/change');
    expect(await applied[1]?.json()).toEqual({ plan_code: 'starter', interval: 'month' });
    expect(screen.getByText(/You switch to Starter on/)).toBeInTheDocument();
  }, 20_000);
});

describe('Past-due banner', () => {
  it('tells owners their payment failed and opens the portal to update the card', async () => {
    const go = vi.spyOn(billingRedirect, 'go').mockImplementation(() => {});
    api({
      'GET /api/v1/billing/subscription': () => json(subscribed('starter', { status: 'past_due' })),
      'POST /api/v1/billing/portal': () => json({ url: 'http://stripe.test/portal/bps_1' }),
    });
    const { user } = renderApp('/');
    const banner = await screen.findByRole('region', { name: 'Payment failed' });
    expect(banner).toHaveTextContent('Your last payment failed — update your card');
    await user.click(within(banner).getByRole('button', { name: 'Update card' }));
    await waitFor(() => expect(go).toHaveBeenCalledWith('http://stripe.test/portal/bps_1'));
  });

  it('asks members to reach an owner, and stays away while the plan is paid', async () => {
    api({ 'GET /api/v1/billing/subscription': () => json(subscribed('starter', { status: 'past_due' })) }, 'member');
    const first = renderApp('/');
    const banner = await screen.findByRole('region', { name: 'Payment failed' });
    expect(banner).toHaveTextContent('Ask an owner or admin');
    expect(within(banner).queryByRole('button')).not.toBeInTheDocument();
    first.unmount();

    api({ 'GET /api/v1/billing/subscription': () => json(subscribed('starter')) });
    renderApp('/');
    await screen.findByRole('heading', { name: /Welcome/ });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByRole('region', { name: 'Payment failed' })).not.toBeInTheDocument();
  });
});
