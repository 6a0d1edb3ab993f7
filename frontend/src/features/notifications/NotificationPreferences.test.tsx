import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { json, makeMe, mockApi } from '@/test/api';
import { balance, noNotifications } from '@/test/credits';
import { renderApp } from '@/test/render';

describe('Notification settings', () => {
  it('turns an email off with one click', async () => {
    let lowBalance = true;
    const preferences = () => ({
      items: [
        { kind: 'credits_granted', description: 'Credits were added to the workspace (trial, support)', email: true },
        { kind: 'low_balance', description: 'Available credits fell below 20%', email: lowBalance },
      ],
    });
    const { calls } = mockApi({
      'GET /api/v1/me': () => json(makeMe()),
      'GET /api/v1/credits/balance': () => json(balance()),
      'GET /api/v1/notifications': () => json(noNotifications),
      'GET /api/v1/notifications/preferences': () => json(preferences()),
      'PUT /api/v1/notifications/preferences': async (request) => {
        const body = (await request.json()) as { email: Record<string, boolean> };
        lowBalance = body.email.low_balance ?? lowBalance;
        return json(preferences());
      },
    });
    const { user } = renderApp('/settings/notifications');

    const checkbox = await screen.findByRole('checkbox', { name: /Email me: Low credit balance/ }, { timeout: 3000 });
    expect(checkbox).toBeChecked();
    await user.click(checkbox);
    await waitFor(() => expect(screen.getByRole('checkbox', { name: /Email me: Low credit balance/ })).not.toBeChecked());
    const put = calls.find((request) => request.method === 'PUT');
    expect(await put?.json()).toEqual({ email: { low_balance: false } });
    expect(screen.getByRole('link', { name: 'Notifications' })).toHaveAttribute('aria-current', 'page');
  }, 15_000);
});
