import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { json, makeMe, mockApi, problem } from '@/test/api';
import { balance, noNotifications } from '@/test/credits';
import { renderApp } from '@/test/render';

const admin = (() => {
  const me = makeMe();
  return { ...me, user: { ...me.user, is_platform_admin: true } };
})();

const organizations = {
  items: [
    { id: 'org-9', name: 'Birch & Co', created_at: '2025-03-01T00:00:00Z', member_count: 3 },
    { id: 'org-1', name: 'Acme Candles', created_at: '2025-01-02T10:00:00Z', member_count: 1 },
  ],
  next_cursor: null,
};

const common = {
  'GET /api/v1/credits/balance': () => json(balance()),
  'GET /api/v1/notifications': () => json(noNotifications),
  'GET /api/v1/admin/organizations': () => json(organizations),
};

describe('Admin credits', () => {
  it('requires a reason, confirms, and shows the server field error next to the field', async () => {
    const { calls } = mockApi({
      ...common,
      'GET /api/v1/me': () => json(admin),
      'POST /api/v1/admin/organizations/org-9/credit-grants': () =>
        problem(422, {
          code: 'validation_error',
          detail: 'The expiry must be in the future.',
          errors: [{ field: 'expires_at', message: 'The expiry must be in the future.', type: 'value_error' }],
        }),
    });
    const { user } = renderApp('/admin');

    expect(within(await screen.findByRole('navigation', { name: 'Main' })).getByRole('link', { name: 'Admin' })).toHaveAttribute(
      'href',
      '/admin',
    );
    await user.click(await screen.findByRole('button', { name: /Birch & Co/ }));
    const form = screen.getByRole('form', { name: 'Grant credits for Birch & Co' });
    await user.type(within(form).getByLabelText('Credits to grant'), '50');
    await user.click(within(form).getByRole('button', { name: 'Review grant' }));
    expect(within(form).getByLabelText('Reason')).toHaveAccessibleDescription(/Say why/);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();

    await user.type(within(form).getByLabelText('Reason'), 'Sorry for the outage');
    await user.type(within(form).getByLabelText('Expires on (optional)'), '2020-01-01');
    await user.click(within(form).getByRole('button', { name: 'Review grant' }));
    const dialog = screen.getByRole('dialog', { name: 'Grant credits for Birch & Co?' });
    expect(dialog).toHaveTextContent('Sorry for the outage');
    await user.click(within(dialog).getByRole('button', { name: 'Grant credits' }));

    await waitFor(() =>
      expect(within(form).getByLabelText('Expires on (optional)')).toHaveAccessibleDescription(
        expect.stringContaining('The expiry must be in the future.') as string,
      ),
    );
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    const post = calls.find((request) => request.method === 'POST');
    expect(post?.headers.get('Idempotency-Key')).toBeTruthy();
    const body = (await post?.json()) as { amount: number; reason: string; expires_at: string };
    expect(body.amount).toBe(50);
    expect(body.reason).toBe('Sorry for the outage');
    expect(body.expires_at).toMatch(/^2020-01-0[12]T/);
  }, 15_000);

  it('shows a refused removal (409) next to the amount', async () => {
    mockApi({
      ...common,
      'GET /api/v1/me': () => json(admin),
      'POST /api/v1/admin/organizations/org-1/credit-adjustments': () =>
        problem(409, {
          code: 'adjustment_exceeds_available',
          detail: 'Removing 99 credits would take available below zero (42 available).',
          available: 42,
        }),
    });
    const { user } = renderApp('/admin');
    await user.click(await screen.findByRole('button', { name: /Acme Candles/ }));
    await user.click(screen.getByRole('button', { name: 'Adjust' }));
    const form = screen.getByRole('form', { name: 'Adjust credits for Acme Candles' });
    await user.type(within(form).getByLabelText('Credits to add or remove'), '-99');
    await user.type(within(form).getByLabelText('Reason'), 'Duplicate grant');
    await user.click(within(form).getByRole('button', { name: 'Review adjustment' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Apply adjustment' }));
    await waitFor(() =>
      expect(within(form).getByLabelText('Credits to add or remove')).toHaveAccessibleDescription(
        expect.stringContaining('would take available below zero (42 available)') as string,
      ),
    );
  }, 15_000);

  it('tells non-admins they are not allowed, with no admin link', async () => {
    const { calls } = mockApi({ ...common, 'GET /api/v1/me': () => json(makeMe()) });
    renderApp('/admin');
    expect(await screen.findByRole('heading', { level: 1, name: 'Not allowed' })).toBeInTheDocument();
    expect(within(screen.getByRole('navigation', { name: 'Main' })).queryByRole('link', { name: 'Admin' })).not.toBeInTheDocument();
    expect(calls.some((request) => request.url.includes('/admin/'))).toBe(false);
  }, 15_000);
});
