import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { costTable, packsResponse, PLANS, planByCode, plansResponse, plansWithTrial, subscriptionFixture } from '@/test/billing';
import { json, makeMe, mockApi, problem } from '@/test/api';
import { balance, noNotifications } from '@/test/credits';
import { onboardingHandlers, onboardingState } from '@/test/onboarding';
import { renderApp } from '@/test/render';

import type { Plan } from './plans';
import { costLines, creditsBuy, planPrice, yearlySaving, yearlySavingPercent } from './plans';

const asPlan = (code: string) => planByCode(code) as unknown as Plan;

function publicApi(signedIn = false, plans: unknown = plansResponse) {
  return mockApi({
    'GET /api/v1/me': () => (signedIn ? json(makeMe()) : problem(401, { code: 'not_authenticated' })),
    'GET /api/v1/billing/plans': () => json(plans),
    'GET /api/v1/billing/packs': () => json(packsResponse),
    'GET /api/v1/credits/costs': () => json(costTable),
  });
}

function planCard(name: string) {
  return within(screen.getByRole('listitem', { name }));
}

describe('Plan prices', () => {
  it('reads a monthly price with the yearly one beside it, and a yearly one with its saving', () => {
    const starter = asPlan('starter');
    expect(planPrice(starter, 'month')).toEqual({
      amount: '$49',
      per: '/month',
      note: 'or $490/year',
      saving: null,
      interval: 'month',
    });
    expect(planPrice(starter, 'year')).toEqual({
      amount: '$490',
      per: '/year',
      note: '$40.83/month, billed yearly',
      saving: '$98',
      interval: 'year',
    });
    expect(yearlySaving(starter)).toBe(9800);
    expect(yearlySavingPercent(starter)).toBe(17);
    // The trial has no yearly price: it stays free whatever the toggle says.
    expect(planPrice(asPlan('trial'), 'year')).toMatchObject({ amount: '$0', per: '', saving: null, interval: 'month' });
  });

  it('says what credits buy from the cost table, merging variants that cost the same', () => {
    const rates = costTable.rates;
    expect(creditsBuy(100, rates)).toBe('≈ 100 images or 20 video clips');
    const { paid, free } = costLines(rates);
    expect(paid.slice(0, 2)).toEqual([
      { operation: 'image', label: 'Lifestyle image', variant: '1k or 2k', credits: 1, unit: 'delivered image' },
      { operation: 'image', label: 'Lifestyle image', variant: '4k', credits: 2, unit: 'delivered image' },
    ]);
    expect(paid.find((line) => line.variant === '1080p')).toMatchObject({ label: 'Video clip', credits: 8 });
    expect(free).toEqual(['crop', 'approve']);
  });
});

describe('Pricing page', () => {
  it('switches every plan between monthly and yearly prices, and carries the choice to sign-up', async () => {
    publicApi();
    const { user } = renderApp('/pricing');

    await screen.findByRole('listitem', { name: 'Starter' });
    expect(screen.getByRole('heading', { level: 1, name: /Pricing that grows/ })).toBeInTheDocument();
    const monthly = screen.getByRole('button', { name: 'Monthly' });
    const yearly = screen.getByRole('button', { name: /Yearly/ });
    expect(monthly).toHaveAttribute('aria-pressed', 'true');
    expect(yearly).toHaveTextContent('save 17%');

    // Paid plans only in the cards; the trial has its own strip.
    expect(within(screen.getByRole('list', { name: 'Plans' })).getAllByRole('listitem', { name: /./ }).map((li) => li.getAttribute('data-plan'))).toEqual(
      PLANS.filter((plan) => plan.code !== 'trial').map((plan) => plan.code),
    );
    expect(planCard('Starter').getByTestId('price-starter')).toHaveTextContent('$49');
    expect(planCard('Starter').getByText('/month')).toBeInTheDocument();
    expect(planCard('Starter').getByText(/or \$490\/year/)).toBeInTheDocument();
    expect(planCard('Pro').getByTestId('price-pro')).toHaveTextContent('$149');
    expect(planCard('Scale').getByText('Unlimited seats')).toBeInTheDocument();
    expect(planCard('Starter').getByText('No API access')).toBeInTheDocument();
    expect(planCard('Pro').getByText('API access')).toBeInTheDocument();
    expect(planCard('Starter').getByRole('link', { name: 'Choose Starter' })).toHaveAttribute(
      'href',
      '/signup?plan=starter&interval=month',
    );

    await user.click(yearly);
    expect(yearly).toHaveAttribute('aria-pressed', 'true');
    expect(planCard('Starter').getByTestId('price-starter')).toHaveTextContent('$490');
    expect(planCard('Starter').getByText('/year')).toBeInTheDocument();
    expect(planCard('Starter').getByText(/\$40\.83\/month, billed yearly/)).toBeInTheDocument();
    expect(planCard('Starter').getByText('Save $98')).toBeInTheDocument();
    expect(planCard('Starter').getByText('1,200 up front each year')).toBeInTheDocument();
    expect(planCard('Business').getByTestId('price-business')).toHaveTextContent('$2,990');
    expect(planCard('Business').getByText('Save $598')).toBeInTheDocument();
    expect(planCard('Starter').getByRole('link', { name: 'Choose Starter' })).toHaveAttribute(
      'href',
      '/signup?plan=starter&interval=year',
    );

    await user.click(monthly);
    expect(planCard('Starter').getByTestId('price-starter')).toHaveTextContent('$49');
    expect(planCard('Starter').queryByText(/^Save/)).not.toBeInTheDocument();

    // The trial (its terms from the price list), packs, the cost table and the FAQ about expiry and refunds.
    expect(screen.getByRole('heading', { name: 'Free trial' })).toBeInTheDocument();
    expect(screen.getByText(/^10 credits for 30 days, 25 product slots, 1 seat\./)).toBeInTheDocument();
    expect(screen.getByText(/The free trial's credits last 30 days\./)).toBeInTheDocument();
    expect(screen.getAllByRole('link', { name: 'Start free trial' })[0]).toHaveAttribute('href', '/signup');
    const packs = within(screen.getByRole('list', { name: 'Credit packs' }));
    expect(packs.getByRole('listitem', { name: '50 credits' })).toHaveTextContent('$12');
    expect(packs.getByRole('listitem', { name: '50 credits' })).toHaveTextContent('never expire');
    expect(await screen.findByText('1k or 2k', { exact: false })).toBeInTheDocument();
    expect(screen.getByText('Do credits expire?')).toBeInTheDocument();
    expect(screen.getByText('Can I get a refund?')).toBeInTheDocument();
  }, 15_000);

  it('follows the trial terms of the price list, including a trial without free credits', async () => {
    publicApi(false, plansWithTrial({ credits: 25, days: 14 }));
    const { unmount } = renderApp('/pricing');
    expect(await screen.findByText(/^25 credits for 14 days, 25 product slots/)).toBeInTheDocument();
    expect(screen.getByText(/The free trial's credits last 14 days\./)).toBeInTheDocument();
    unmount();

    publicApi(false, plansWithTrial(null));
    renderApp('/pricing');
    expect(await screen.findByText(/^25 product slots, 1 seat\. No card needed/)).toBeInTheDocument();
    expect(screen.queryByText(/\d+ credits? for \d+ days?/)).not.toBeInTheDocument();
    expect(screen.queryByText(/The free trial's credits last/)).not.toBeInTheDocument();
    expect(screen.getByText(/Credits are used soonest-expiring first/)).toBeInTheDocument();
  });

  it('sends someone signed in to Billing instead of sign-up', async () => {
    publicApi(true);
    renderApp('/pricing?interval=year');
    const choose = await screen.findByRole('link', { name: 'Choose Pro' });
    await waitFor(() => expect(choose).toHaveAttribute('href', '/billing?plan=pro&interval=year'));
    expect(screen.getByRole('link', { name: 'Open Epox' })).toHaveAttribute('href', '/');
  });

  it('remembers the plan through sign-up and opens the wizard on it', async () => {
    const me = makeMe({ organization: { id: 'org-1', name: 'Lena Studio', created_at: '2025-01-02T10:00:00Z' } });
    const { calls } = mockApi({
      'GET /api/v1/me': () => json(me),
      'POST /api/v1/auth/signup': () => json(me, 201),
      'GET /api/v1/billing/plans': () => json(plansResponse),
      'GET /api/v1/credits/costs': () => json(costTable),
      'GET /api/v1/billing/subscription': () => json(subscriptionFixture({ usage: { ...subscriptionFixture().usage, product_slots_used: 0 } })),
      'GET /api/v1/credits/balance': () => json(balance({ available: 10 })),
      'GET /api/v1/notifications': () => json(noNotifications),
      ...onboardingHandlers(onboardingState(['workspace'])),
    });
    const { user, router } = renderApp('/signup?plan=starter&interval=month');
    expect(await screen.findByText(/You picked Starter/)).toBeInTheDocument();
    await user.type(screen.getByLabelText('Your name'), 'Lena');
    await user.type(screen.getByLabelText('Work email'), 'lena@example.com');
    await user.type(screen.getByLabelText('Password'), 'glazed bowls on oak');
    await user.type(screen.getByLabelText('Workspace name (optional)'), 'Lena Studio');
    await user.click(screen.getByRole('button', { name: 'Create account' }));

    await waitFor(() => expect(router.state.location.pathname).toBe('/welcome'));
    expect(router.state.location.search).toBe('?plan=starter&interval=month');
    expect(calls.some((call) => new URL(call.url).pathname === '/api/v1/auth/signup')).toBe(true);
    // The workspace already has its name, so the wizard opens on the plan, with Starter picked.
    expect(await screen.findByRole('heading', { name: 'Pick a plan' })).toBeInTheDocument();
    expect(await screen.findByText(/You picked/)).toHaveTextContent('You picked Starter, billed monthly');
    expect(screen.getByRole('button', { name: 'Continue to checkout' })).toBeInTheDocument();
  }, 15_000);
});
