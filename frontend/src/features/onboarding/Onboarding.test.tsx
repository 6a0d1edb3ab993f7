import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';

import { type Handler, json, makeMe, mockApi, problem } from '@/test/api';
import { costTable, plansResponse, plansWithTrial, subscribed, subscriptionFixture } from '@/test/billing';
import { balance, noNotifications } from '@/test/credits';
import { onboardingHandlers, onboardingOut, type OnboardingState, onboardingState } from '@/test/onboarding';
import { productFixture } from '@/test/products';
import { renderApp } from '@/test/render';

import { nextStep, previousStep, stepStates } from './steps';

function api(state: OnboardingState, handlers: Record<string, Handler> = {}) {
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
    ...onboardingHandlers(state),
    ...handlers,
  });
}

const onboardingPatches = async (calls: Request[]) =>
  Promise.all(
    calls
      .filter((call) => call.method === 'PATCH' && new URL(call.url).pathname === '/api/v1/onboarding')
      .map((call) => call.json() as Promise<unknown>),
  );

const onboardingReads = (calls: Request[]) =>
  calls.filter((call) => call.method === 'GET' && new URL(call.url).pathname === '/api/v1/onboarding').length;

function stepButton(name: RegExp) {
  return within(screen.getByRole('navigation', { name: 'Setup steps' })).getByRole('button', { name });
}

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
});

describe('Onboarding steps', () => {
  it('walk forward past done steps (skipped ones included) and back one at a time', () => {
    const states = stepStates(onboardingOut(onboardingState(['workspace', 'catalog'], { skipped: ['plan'] })));
    expect(states.map((state) => [state.id, state.status])).toEqual([
      ['workspace', 'done'],
      ['plan', 'skipped'],
      ['catalog', 'done'],
      ['generate', 'todo'],
      ['approve', 'todo'],
    ]);
    expect(states[1]?.title).toBe('Pick a plan');
    expect(nextStep(states, 'workspace')).toBe('plan');
    expect(nextStep(states, 'plan')).toBe('generate');
    expect(nextStep(states, 'approve')).toBeNull();
    expect(previousStep(states, 'catalog')).toBe('plan');
    expect(previousStep(states, 'workspace')).toBeNull();
  });
});

describe('Onboarding wizard', () => {
  it('resumes where the API says, and saves skipped steps there', async () => {
    // The API says: named, on a paid plan, products in. The first image is next.
    const state = onboardingState(['workspace', 'plan', 'catalog']);
    const { calls } = api(state, {
      'GET /api/v1/billing/subscription': () => json(subscribed('starter')),
      'GET /api/v1/products': () => json({ items: [productFixture({ id: 'prod-9', name: 'Oak stool' })], next_cursor: null }),
    });
    const { user } = renderApp('/welcome');

    expect(await screen.findByRole('heading', { level: 2, name: 'Generate a first image' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1, name: 'Welcome to Epox' })).toBeInTheDocument();
    expect(screen.getByText('3 of 5 done')).toBeInTheDocument();
    expect(screen.getByRole('progressbar', { name: '3 of 5 done' })).toHaveAttribute('aria-valuenow', '3');
    expect(stepButton(/Name your workspace, done/)).toBeInTheDocument();
    expect(stepButton(/Pick a plan, done/)).toBeInTheDocument();
    expect(stepButton(/Generate a first image/)).toHaveAttribute('aria-current', 'step');
    expect(await screen.findByRole('link', { name: /Oak stool/ })).toHaveAttribute('href', '/studio?product=prod-9');
    expect(screen.getByRole('link', { name: 'Finish later' })).toHaveAttribute('href', '/');

    await user.click(screen.getByRole('button', { name: 'Skip for now' }));
    expect(await screen.findByRole('heading', { level: 2, name: 'Approve it' })).toBeInTheDocument();
    expect(stepButton(/Generate a first image, skipped/)).toBeInTheDocument();
    expect(await onboardingPatches(calls)).toEqual([{ skip: 'generate' }]);
    expect(state.skipped).toEqual(['generate']);
    // Nothing about the progress is kept in the browser any more.
    expect(localStorage.length).toBe(0);

    // Going back to a done step shows it as done, with a way forward.
    await user.click(stepButton(/Pick a plan/));
    expect(await screen.findByText("You're on the Starter plan")).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Next step' }));
    expect(screen.getByRole('heading', { level: 2, name: 'Generate a first image' })).toBeInTheDocument();
  }, 15_000);

  it('re-reads the progress after a rename, then keeps the free trial on purpose', async () => {
    const me = makeMe();
    const state = onboardingState();
    const { calls } = api(state, {
      'GET /api/v1/me': () => json({ ...me, organization: { ...me.organization, name: "Ada Lovelace's workspace" } }),
      'PATCH /api/v1/organization': () => {
        // The API reads "named" from the workspace itself.
        state.done.add('workspace');
        return json({ ...me.organization, name: 'Ada Candles' });
      },
    });
    const { user } = renderApp('/welcome');
    const field = await screen.findByLabelText('Workspace name');
    expect(screen.getByText('0 of 5 done')).toBeInTheDocument();
    await user.clear(field);
    await user.type(field, 'Ada Candles');
    await user.click(screen.getByRole('button', { name: 'Save and continue' }));
    expect(await screen.findByRole('heading', { level: 2, name: 'Pick a plan' })).toBeInTheDocument();
    const patch = calls.find((call) => call.method === 'PATCH');
    expect(await patch?.json()).toEqual({ name: 'Ada Candles' });
    await waitFor(() => expect(stepButton(/Name your workspace, done/)).toBeInTheDocument());
    expect(screen.getByText('1 of 5 done')).toBeInTheDocument();

    // The trial's terms come from the price list.
    expect(await screen.findByText(/Your free trial is running: 10 credits for 30 days\./)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Continue with the free trial' }));
    expect(await screen.findByRole('heading', { level: 2, name: 'Add your products' })).toBeInTheDocument();
    expect(stepButton(/Pick a plan, done/)).toBeInTheDocument();
    expect(await onboardingPatches(calls)).toEqual([{ trial_kept: true }]);
    expect(state.trialKept).toBe(true);
    expect(screen.getByRole('link', { name: /Connect a store/ })).toHaveAttribute('href', '/store');

    // Back on the plan step: the kept trial is said, and there is no second "keep" button.
    await user.click(stepButton(/Pick a plan/));
    expect(await screen.findByText("You're keeping the free trial for now")).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Continue with the free trial' })).not.toBeInTheDocument();
  }, 15_000);

  it('says the trial plainly when it grants no credits', async () => {
    api(onboardingState(['workspace']), { 'GET /api/v1/billing/plans': () => json(plansWithTrial(null)) });
    renderApp('/welcome');
    expect(await screen.findByText(/You're on the free trial\. Keep it while you look around/)).toBeInTheDocument();
    expect(screen.queryByText(/\d+ credits? for \d+ days?/)).not.toBeInTheDocument();
  });

  it('ends on the finished panel, and picking a skipped step up takes the skip back', async () => {
    const state = onboardingState(['workspace', 'plan', 'catalog', 'generate'], { skipped: ['approve'] });
    const { calls } = api(state);
    const { user } = renderApp('/welcome');

    expect(await screen.findByRole('heading', { level: 2, name: 'That was the last step' })).toBeInTheDocument();
    expect(stepButton(/Approve it, skipped/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Approve it' }));
    expect(await screen.findByRole('heading', { level: 2, name: 'Approve it' })).toBeInTheDocument();
    await waitFor(() => expect(state.skipped).toEqual([]));
    expect(await onboardingPatches(calls)).toEqual([{ unskip: 'approve' }]);
    await waitFor(() => expect(stepButton(/^Approve it$/)).toBeInTheDocument());
    expect(screen.getByText('No images yet: generate one in the previous step first.')).toBeInTheDocument();
  });

  it('keeps the step when a skip cannot be saved, and says why', async () => {
    api(onboardingState(['workspace', 'plan']), {
      'PATCH /api/v1/onboarding': () => problem(500, { code: 'internal_error' }),
    });
    const { user } = renderApp('/welcome');
    expect(await screen.findByRole('heading', { level: 2, name: 'Add your products' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Skip for now' }));
    expect(await screen.findByText(/Couldn't save your choice/)).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 2, name: 'Add your products' })).toBeInTheDocument();
    expect(stepButton(/^Add your products$/)).toHaveAttribute('aria-current', 'step');
  });

  it('offers a retry when the progress cannot be read', async () => {
    let fail = true;
    const state = onboardingState(['workspace']);
    api(state, {
      'GET /api/v1/onboarding': () => (fail ? problem(500, { code: 'internal_error' }) : json(onboardingOut(state))),
    });
    const { user } = renderApp('/welcome');
    // Server errors are retried twice before the page gives up.
    expect(await screen.findByText("Couldn't load your setup", {}, { timeout: 8_000 })).toBeInTheDocument();
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { level: 2, name: 'Pick a plan' })).toBeInTheDocument();
  }, 15_000);
});

describe('Setup progress on the dashboard', () => {
  it('leads back into the wizard, and is fresh again after work done elsewhere', async () => {
    const state = onboardingState(['workspace', 'plan']);
    const { calls } = api(state);
    const { user, router } = renderApp('/');

    const card = await screen.findByRole('heading', { name: 'Finish setting up' });
    const section = within(card.closest('section') as HTMLElement);
    expect(section.getByText('2 of 5 done')).toBeInTheDocument();
    expect(section.getByText('Add your products')).toBeInTheDocument();
    await user.click(section.getByRole('link', { name: 'Continue setup' }));
    expect(await screen.findByRole('heading', { level: 2, name: 'Add your products' })).toBeInTheDocument();

    // Products were added somewhere else (another tab, the Products page): back on the dashboard it shows.
    state.done.add('catalog');
    const readsBefore = onboardingReads(calls);
    await router.navigate('/');
    expect(await screen.findByText('3 of 5 done')).toBeInTheDocument();
    expect(screen.getByText('Generate a first image')).toBeInTheDocument();
    expect(onboardingReads(calls)).toBeGreaterThan(readsBefore);

    // All done or skipped: the card steps aside.
    state.done = new Set(['workspace', 'plan', 'catalog', 'generate']);
    state.skipped = ['approve'];
    await router.navigate('/welcome');
    await screen.findByRole('heading', { level: 2, name: /last step/ });
    await router.navigate('/');
    await screen.findByRole('heading', { level: 1, name: /Welcome/ });
    await waitFor(() => expect(screen.queryByRole('heading', { name: 'Finish setting up' })).not.toBeInTheDocument());
  }, 15_000);

  it('stays away from viewers, who cannot do the steps', async () => {
    api(onboardingState(), { 'GET /api/v1/me': () => json(makeMe({ role: 'viewer' })) });
    renderApp('/');
    await screen.findByRole('heading', { level: 1, name: /Welcome/ });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByRole('heading', { name: 'Finish setting up' })).not.toBeInTheDocument();
  });
});
