import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { json, makeMe, mockApi } from '@/test/api';
import { balance, noNotifications } from '@/test/credits';
import { renderApp } from '@/test/render';

import { parseLevels } from './UsageAlertSettings';

const preferences = { items: [{ kind: 'low_balance', description: 'Available credits fell below an alert threshold', email: true }] };

function api(role: 'owner' | 'viewer', put?: (body: Record<string, unknown>) => Response) {
  let settings = { time_zone: 'UTC', low_balance_percents: [20, 10, 0], low_balance_absolute: [] as number[] };
  return mockApi({
    'GET /api/v1/me': () => json(makeMe({ role })),
    'GET /api/v1/credits/balance': () => json(balance()),
    'GET /api/v1/notifications': () => json(noNotifications),
    'GET /api/v1/notifications/preferences': () => json(preferences),
    'GET /api/v1/usage/settings': () => json(settings),
    'PUT /api/v1/usage/settings': async (request) => {
      const body = (await request.json()) as typeof settings;
      if (put) return put(body);
      settings = { ...settings, ...body };
      return json(settings);
    },
  });
}

describe('Low-balance alert settings', () => {
  it('lets an owner set percent and absolute levels and the time zone, checking them first', async () => {
    const { calls } = api('owner');
    const { user } = renderApp('/settings/notifications');
    const form = await screen.findByRole('form', { name: 'Low-balance alerts' }, { timeout: 5000 });
    const percents = within(form).getByLabelText('Alert at these percentages of the last top-up');
    expect(percents).toHaveValue('20, 10, 0');

    await user.clear(percents);
    await user.type(percents, '25%, 150');
    await user.click(within(form).getByRole('button', { name: 'Save alerts' }));
    expect(percents).toHaveAccessibleDescription(/“150” is not a whole number from 0 to 100/);
    expect(calls.some((request) => request.method === 'PUT')).toBe(false);

    await user.clear(percents);
    await user.type(percents, '10 25%');
    await user.type(within(form).getByLabelText('Alert at these credit levels'), '50');
    await user.selectOptions(within(form).getByLabelText('Time zone'), 'Europe/Berlin');
    await user.click(within(form).getByRole('button', { name: 'Save alerts' }));

    await waitFor(() => expect(within(form).getByRole('status')).toHaveTextContent('Saved.'));
    const put = calls.find((request) => request.method === 'PUT');
    expect(await put?.json()).toEqual({ time_zone: 'Europe/Berlin', low_balance_percents: [25, 10], low_balance_absolute: [50] });
    expect(percents).toHaveValue('25, 10');
    // The email switch for the same alert sits above.
    expect(screen.getByRole('checkbox', { name: /Email me: Low credit balance/ })).toBeChecked();
  }, 20_000);

  it('shows a viewer the levels without letting them change anything', async () => {
    api('viewer');
    renderApp('/settings/notifications');
    const form = await screen.findByRole('form', { name: 'Low-balance alerts' }, { timeout: 5000 });
    expect(within(form).getByLabelText('Alert at these percentages of the last top-up')).toBeDisabled();
    expect(within(form).queryByRole('button', { name: 'Save alerts' })).not.toBeInTheDocument();
    expect(screen.getByText(/Set by the workspace’s owners and admins/)).toBeInTheDocument();
  }, 15_000);

  it('reads levels people type', () => {
    expect(parseLevels('20, 10,0', 100, 'percentages')).toEqual([20, 10, 0]);
    expect(parseLevels('  ', 100, 'percentages')).toEqual([]);
    expect(parseLevels('5 5 50%', 100, 'percentages')).toEqual([50, 5]);
    expect(parseLevels('1,2,3,4,5,6', 100, 'percentages')).toBe('Use at most 5 percentages.');
    expect(parseLevels('-3', 1_000_000, 'credit levels')).toMatch(/“-3” is not a whole number/);
  });
});
