import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';

import { type Handler, json, makeMe, mockApi } from '@/test/api';
import { costTable, plansResponse, subscribed, subscriptionFixture } from '@/test/billing';
import { balance, noNotifications } from '@/test/credits';
import { productFixture } from '@/test/products';
import { renderApp } from '@/test/render';

import { firstOpenStep, type OnboardingFacts, stepStates } from './steps';

const nothing: OnboardingFacts = {
  workspaceNamed: false,
  hasPlan: false,
  hasCatalog: false,
  hasAsset: false,
  hasApprovedAsset: false,
};

function api(handlers: Record<string, Handler> = {}) {
  return mockApi({
    'GET /api/v1/me': () => json(makeMe()),
    'GET /api/v1/credits/balance': () => json(balance({ available: 10 })),
    'GET /api/v1/notifications': () => json(noNotifications),
    'GET /api/v1/billing/plans': () => json(plansResponse),
    'GET /api/v1/credits/costs': () => json(costTable),
    'GET /api/v1/billing/subscription': () => json(subscriptionFixture()),
    'GET /api/v1/products/slots': () => json({ limit: 25, used: 0, remaining: 25 }),
    'GET /api/v1/products': () => json({ items: [], next_cursor: null }),
    'GET /api/v1/stores': () => json({ items: [] }),
    'GET /api/v1/assets': () => json({ items: [], next_cursor: null }),
    ...handlers,
  });
}

function stepButton(name: RegExp) {
  return within(screen.getByRole('navigation', { name: 'Setup steps' })).getByRole('button', { name });
}

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
});

describe('Onboarding steps', () => {
  it('are done from real data, and open at the first step neither done nor skipped', () => {
    const local = { skipped: [], trialChosen: false };
    expect(firstOpenStep(stepStates(nothing, local))).toBe('workspace');
    const named = { ...nothing, workspaceNamed: true };
    expect(firstOpenStep(stepStates(named, local))).toBe('plan');
    expect(firstOpenStep(stepStates(named, { skipped: ['plan'], trialChosen: false }))).toBe('catalog');
    expect(firstOpenStep(stepStates({ ...named, hasPlan: true, hasCatalog: true }, local))).toBe('generate');
    const all = { workspaceNamed: true, hasPlan: false, hasCatalog: true, hasAsset: true, hasApprovedAsset: true };
    expect(firstOpenStep(stepStates(all, { skipped: [], trialChosen: true }))).toBeNull();
  });
});

describe('Onboarding wizard', () => {
  it('resumes where the workspace is, and remembers skipped steps', async () => {
    // "Acme Candles" is a name of its own, a paid plan runs and products exist: the first image is next.
    api({
      'GET /api/v1/billing/subscription': () => json(subscribed('starter')),
      'GET /api/v1/products/slots': () => json({ limit: 100, used: 2, remaining: 98 }),
      'GET /api/v1/products': () => json({ items: [productFixture({ id: 'prod-9', name: 'Oak stool' })], next_cursor: null }),
    });
    const { user } = renderApp('/welcome');

    expect(await screen.findByRole('heading', { level: 2, name: 'Generate a first image' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1, name: 'Welcome to Epox' })).toBeInTheDocument();
    expect(screen.getByText('3 of 5 done')).toBeInTheDocument();
    expect(stepButton(/Name your workspace, done/)).toBeInTheDocument();
    expect(stepButton(/Pick a plan, done/)).toBeInTheDocument();
    expect(stepButton(/Generate a first image/)).toHaveAttribute('aria-current', 'step');
    expect(await screen.findByRole('link', { name: /Oak stool/ })).toHaveAttribute('href', '/studio?product=prod-9');
    expect(screen.getByRole('link', { name: 'Finish later' })).toHaveAttribute('href', '/');

    await user.click(screen.getByRole('button', { name: 'Skip for now' }));
    expect(screen.getByRole('heading', { level: 2, name: 'Approve it' })).toBeInTheDocument();
    expect(stepButton(/Generate a first image, skipped/)).toBeInTheDocument();
    expect(JSON.parse(localStorage.getItem('epox.onboarding.org-1') ?? '{}')).toEqual({
      skipped: ['generate'],
      trialChosen: false,
    });

    // Going back to a done step shows it as done, with a way forward.
    await user.click(stepButton(/Pick a plan/));
    expect(await screen.findByText("You're on the Starter plan")).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Next step' }));
    expect(screen.getByRole('heading', { level: 2, name: 'Generate a first image' })).toBeInTheDocument();
  }, 15_000);

  it('renames the workspace, then keeps the free trial on purpose', async () => {
    const me = makeMe();
    const { calls } = api({
      'GET /api/v1/me': () => json({ ...me, organization: { ...me.organization, name: "Ada Lovelace's workspace" } }),
      'PATCH /api/v1/organization': () => json({ ...me.organization, name: 'Ada Candles' }),
    });
    const { user } = renderApp('/welcome');
    const field = await screen.findByLabelText('Workspace name');
    await user.clear(field);
    await user.type(field, 'Ada Candles');
    await user.click(screen.getByRole('button', { name: 'Save and continue' }));
    expect(await screen.findByRole('heading', { level: 2, name: 'Pick a plan' })).toBeInTheDocument();
    const patch = calls.find((call) => call.method === 'PATCH');
    expect(await patch?.json()).toEqual({ name: 'Ada Candles' });

    await user.click(await screen.findByRole('button', { name: 'Continue with the free trial' }));
    expect(screen.getByRole('heading', { level: 2, name: 'Add your products' })).toBeInTheDocument();
    await waitFor(() => expect(stepButton(/Pick a plan, done/)).toBeInTheDocument());
    expect(screen.getByRole('link', { name: /Connect a store/ })).toHaveAttribute('href', '/store');
  }, 15_000);
});
