import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { burn, usageSummary } from '@/features/usage/fixtures';
import { formatDay } from '@/features/usage/period';
import { formatDate } from '@/lib/format';
import { json, makeMe, mockApi } from '@/test/api';
import { balance, noNotifications } from '@/test/credits';
import { renderApp } from '@/test/render';

function creditsCard() {
  const card = screen.getByRole('heading', { name: 'Credits' }).closest('section');
  if (!card) throw new Error('no credits card');
  return card;
}

describe('Credits on the dashboard', () => {
  it('shows available, held and expiring credits, and the balance in the header', async () => {
    mockApi({
      'GET /api/v1/me': () => json(makeMe()),
      'GET /api/v1/credits/balance': () => json(balance()),
      'GET /api/v1/notifications': () => json(noNotifications),
    });
    renderApp('/');

    await screen.findByText('Available');
    const card = within(creditsCard());
    expect(card.getByText('Available').nextElementSibling).toHaveTextContent('42');
    expect(card.getByText('Held').nextElementSibling).toHaveTextContent('8');
    expect(card.getByText('Expiring soon').nextElementSibling).toHaveTextContent('5');
    expect(card.getByText(`from ${formatDate('2026-12-01T10:00:00Z')}`)).toBeInTheDocument();
    expect(card.getByText(/soonest-expiring first/)).toBeInTheDocument();
    expect(card.getByRole('link', { name: 'Buy credits' })).toHaveAttribute('href', '/billing');

    expect(screen.getByRole('link', { name: /42 credits available, 8 held/ })).toHaveAttribute('href', '/usage/credits');
    expect(screen.queryByRole('region', { name: 'Low credit balance' })).not.toBeInTheDocument();
  }, 15_000);

  it('shows the burn rate and when the credits run out at that pace', async () => {
    const { calls } = mockApi({
      'GET /api/v1/me': () => json(makeMe()),
      'GET /api/v1/credits/balance': () => json(balance()),
      'GET /api/v1/notifications': () => json(noNotifications),
      'GET /api/v1/usage/summary': () => json(usageSummary({ burn: burn({ credits_per_day: 3.2143, available: 42, days_left: 13.07 }) })),
    });
    renderApp('/');
    await screen.findByText('3.2 credits a day');
    const card = within(creditsCard());
    expect(card.getByText(/over the last 14 days\. At this pace your 42 credits last 13 days, until about/)).toBeInTheDocument();
    expect(card.getByText(formatDay('2027-02-20'))).toBeInTheDocument();
    // The API's default window: the same summary the usage page starts with.
    const asked = calls.find((request) => request.url.includes('/usage/summary'));
    expect(new URL(asked?.url ?? '').search).toBe('');
  }, 15_000);

  it('says when nothing expires soon', async () => {
    mockApi({
      'GET /api/v1/me': () => json(makeMe()),
      'GET /api/v1/credits/balance': () =>
        json(balance({ available: 10, held: 0, expiring_soon: { credits: 0, first_expires_at: null, window_days: 7 } })),
      'GET /api/v1/notifications': () => json(noNotifications),
    });
    renderApp('/');
    expect(await screen.findByText('none in the next 7 days')).toBeInTheDocument();
  }, 15_000);

  it('warns about a low balance until dismissed', async () => {
    sessionStorage.clear();
    mockApi({
      'GET /api/v1/me': () => json(makeMe()),
      'GET /api/v1/credits/balance': () => json(balance({ available: 1, held: 0, low_balance: true })),
      'GET /api/v1/notifications': () => json(noNotifications),
    });
    const { user } = renderApp('/');
    const banner = await screen.findByRole('region', { name: 'Low credit balance' });
    expect(banner).toHaveTextContent('Only 1 credit left.');
    expect(within(banner).getByRole('link', { name: 'Buy credits' })).toHaveAttribute('href', '/billing');
    expect(within(banner).getByRole('link', { name: 'Change plan' })).toHaveAttribute('href', '/billing');
    await user.click(within(banner).getByRole('button', { name: 'Dismiss the low balance warning' }));
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Low credit balance' })).not.toBeInTheDocument());
    expect(sessionStorage.getItem('epox.lowBalanceDismissed.org-1')).toBe('1');
    sessionStorage.clear();
  }, 15_000);
});
