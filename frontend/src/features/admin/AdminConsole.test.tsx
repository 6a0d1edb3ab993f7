import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { json, makeMe, mockApi, problem } from '@/test/api';
import { balance, noNotifications } from '@/test/credits';
import { renderApp } from '@/test/render';

import { adminMe, adminOrganization, organizationDetail, plans } from './fixtures';

const common = {
  'GET /api/v1/credits/balance': () => json(balance()),
  'GET /api/v1/notifications': () => json(noNotifications),
  'GET /api/v1/billing/plans': () => json(plans),
};

describe('Admin console: workspaces', () => {
  it('searches by name, email or store domain, filters by plan and status, sorts, and pages', async () => {
    const { calls } = mockApi({
      ...common,
      'GET /api/v1/me': () => json(adminMe),
      'GET /api/v1/admin/organizations': (request) => {
        const cursor = new URL(request.url).searchParams.get('cursor');
        if (cursor === 'MjU') return json({ items: [adminOrganization('org-3', 'Cedar Goods')], next_cursor: null });
        return json({
          items: [adminOrganization('org-9', 'Birch & Co'), adminOrganization('org-1', 'Acme Candles', { subscription_status: null, plan_code: 'free' })],
          next_cursor: 'MjU',
        });
      },
    });
    const { user } = renderApp('/admin');

    expect(within(await screen.findByRole('navigation', { name: 'Main' })).getByRole('link', { name: 'Admin' })).toHaveAttribute('href', '/admin');
    expect(within(screen.getByRole('navigation', { name: 'Admin' })).getByRole('link', { name: 'Workspaces' })).toHaveAttribute('aria-current', 'page');
    const table = await screen.findByRole('table', { name: 'Workspaces' }, { timeout: 5000 });
    const birch = within(table).getByRole('row', { name: /Birch & Co/ });
    expect(birch).toHaveTextContent('Starter');
    expect(birch).toHaveTextContent('Active');
    expect(within(table).getByRole('row', { name: /Acme Candles/ })).toHaveTextContent('None');

    await user.type(screen.getByLabelText('Search'), 'birch.myshopify');
    await user.selectOptions(screen.getByLabelText('Plan'), 'scale');
    await user.selectOptions(screen.getByLabelText('Subscription'), 'past_due');
    await user.selectOptions(screen.getByLabelText('Sort by'), 'balance-asc');
    await waitFor(() => {
      const last = new URL(calls.filter((request) => request.url.includes('/admin/organizations')).at(-1)?.url ?? '');
      expect(Object.fromEntries(last.searchParams)).toMatchObject({
        q: 'birch.myshopify',
        plan: 'scale',
        subscription_status: 'past_due',
        sort: 'balance',
        order: 'asc',
      });
    });

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await within(screen.getByRole('table', { name: 'Workspaces' })).findByRole('link', { name: 'Cedar Goods' })).toHaveAttribute(
      'href',
      '/admin/organizations/org-3',
    );
  }, 20_000);

  it('tells non-admins they are not allowed, with no admin link and no admin request', async () => {
    const { calls } = mockApi({ ...common, 'GET /api/v1/me': () => json(makeMe()) });
    renderApp('/admin/jobs');
    expect(await screen.findByRole('heading', { level: 1, name: 'Not allowed' })).toBeInTheDocument();
    expect(within(screen.getByRole('navigation', { name: 'Main' })).queryByRole('link', { name: 'Admin' })).not.toBeInTheDocument();
    expect(calls.some((request) => request.url.includes('/admin/'))).toBe(false);
  }, 15_000);
});

describe('Admin console: one workspace', () => {
  it('shows plan, balance, usage, members, stores and jobs, and grants credits with a reason after confirming', async () => {
    let granted = false;
    const { calls } = mockApi({
      ...common,
      'GET /api/v1/me': () => json(adminMe),
      'GET /api/v1/admin/organizations/org-9': () =>
        json(organizationDetail(granted ? { organization: adminOrganization('org-9', 'Birch & Co', { available: 145 }) } : {})),
      'POST /api/v1/admin/organizations/org-9/credit-grants': () => {
        granted = true;
        return json({ lot: {}, entry: {}, available: 145 }, 201);
      },
    });
    const { user } = renderApp('/admin/organizations/org-9');

    expect(await screen.findByRole('heading', { name: 'Birch & Co' })).toBeInTheDocument();
    expect(within(screen.getByRole('navigation', { name: 'Admin' })).getByRole('link', { name: 'Workspaces' })).toHaveAttribute('aria-current', 'page');
    expect(await screen.findByText('Starter')).toBeInTheDocument();
    expect(within(screen.getByRole('table', { name: 'Lots' })).getByRole('row', { name: /Plan credits/ })).toHaveTextContent('120 of 200');
    expect(screen.getByRole('img', { name: /^Credits used per day: 10 credits in total/ })).toBeInTheDocument();
    expect(within(screen.getByRole('table', { name: 'Ledger of Birch & Co' })).getByText('Plan credits')).toBeInTheDocument();
    expect(within(screen.getByRole('table', { name: 'Members' })).getByText('birch@example.com')).toBeInTheDocument();
    expect(within(screen.getByRole('table', { name: 'Stores' })).getByText('birch.myshopify.com')).toBeInTheDocument();
    expect(within(screen.getByRole('table', { name: 'Failed jobs' })).getByText('The provider timed out.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Its audit log' })).toHaveAttribute('href', '/admin/audit?organization=org-9');

    const form = screen.getByRole('form', { name: 'Grant credits for Birch & Co' });
    await user.type(within(form).getByLabelText('Credits to grant'), '25');
    await user.click(within(form).getByRole('button', { name: 'Review grant' }));
    expect(within(form).getByLabelText('Reason')).toHaveAccessibleDescription(/Say why/);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await user.type(within(form).getByLabelText('Reason'), 'Sorry for the outage');
    await user.click(within(form).getByRole('button', { name: 'Review grant' }));
    const dialog = screen.getByRole('dialog', { name: 'Grant credits for Birch & Co?' });
    expect(dialog).toHaveTextContent('Sorry for the outage');
    await user.click(within(dialog).getByRole('button', { name: 'Grant credits' }));

    await waitFor(() => expect(within(form).getByRole('status')).toHaveTextContent('Granted 25 credits for Birch & Co. Available now: 145.'));
    const post = calls.find((request) => request.method === 'POST');
    expect(post?.headers.get('Idempotency-Key')).toBeTruthy();
    expect(await post?.json()).toEqual({ amount: 25, reason: 'Sorry for the outage', expires_at: null });
    // The detail is read again: the balance card shows the new number.
    await waitFor(() => expect(calls.filter((request) => request.url.endsWith('/admin/organizations/org-9'))).toHaveLength(2));
  }, 20_000);

  it('shows a refused removal (409) next to the amount', async () => {
    mockApi({
      ...common,
      'GET /api/v1/me': () => json(adminMe),
      'GET /api/v1/admin/organizations/org-9': () => json(organizationDetail()),
      'POST /api/v1/admin/organizations/org-9/credit-adjustments': () =>
        problem(409, { code: 'adjustment_exceeds_available', detail: 'Removing 999 credits would take available below zero (120 available).', available: 120 }),
    });
    const { user } = renderApp('/admin/organizations/org-9');
    await screen.findByRole('heading', { name: 'Birch & Co' });
    await user.click(screen.getByRole('button', { name: 'Adjust' }));
    const form = screen.getByRole('form', { name: 'Adjust credits for Birch & Co' });
    await user.type(within(form).getByLabelText('Credits to add or remove'), '-999');
    await user.type(within(form).getByLabelText('Reason'), 'Duplicate grant');
    await user.click(within(form).getByRole('button', { name: 'Review adjustment' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Apply adjustment' }));
    await waitFor(() =>
      expect(within(form).getByLabelText('Credits to add or remove')).toHaveAccessibleDescription(
        expect.stringContaining('would take available below zero (120 available)') as string,
      ),
    );
  }, 20_000);

  it('opens a read-only support session with a reason and a duration, and ends it', async () => {
    let grants: unknown[] = [];
    const grant = {
      id: 'grant-1',
      organization_id: 'org-9',
      admin_user_id: 'user-1',
      admin_name: 'Ada Lovelace',
      admin_email: 'ada@example.com',
      reason: 'Ticket 42',
      created_at: '2026-11-20T09:00:00Z',
      expires_at: '2026-11-20T09:30:00Z',
      ended_at: null,
      active: true,
    };
    const { calls } = mockApi({
      ...common,
      // /me names the live support access (and the merchant's workspace, read-only) while it lasts.
      'GET /api/v1/me': () => {
        const live = grants.find((g) => (g as { active: boolean }).active) as typeof grant | undefined;
        return json(live ? { ...adminMe, role: 'viewer', support_access: live } : adminMe);
      },
      'GET /api/v1/admin/organizations/org-9': () => json(organizationDetail({ support_access: grants })),
      'POST /api/v1/admin/organizations/org-9/support-access': () => {
        grants = [grant];
        return json(grant, 201);
      },
      'POST /api/v1/admin/support-access/grant-1/end': () => {
        grants = [{ ...grant, active: false, ended_at: '2026-11-20T09:10:00Z' }];
        return json(grants[0]);
      },
    });
    const { user } = renderApp('/admin/organizations/org-9');
    const form = await screen.findByRole('form', { name: 'Open a support session for Birch & Co' });
    await user.click(within(form).getByRole('button', { name: 'Open read-only session' }));
    expect(within(form).getByLabelText('Reason')).toHaveAccessibleDescription(/Say why/);
    await user.type(within(form).getByLabelText('Reason'), 'Ticket 42');
    await user.selectOptions(within(form).getByLabelText('For'), '30');
    await user.click(within(form).getByRole('button', { name: 'Open read-only session' }));

    const open = await screen.findByText(/now show Birch & Co, read-only/);
    expect(open).toHaveTextContent('Reason: “Ticket 42”');
    const post = calls.find((request) => request.url.endsWith('/support-access'));
    expect(await post?.json()).toEqual({ reason: 'Ticket 42', minutes: 30 });
    // Every page says so while it lasts, with a way out.
    const banner = await screen.findByRole('region', { name: 'Support session' });
    expect(banner).toHaveTextContent('Reason: “Ticket 42”');
    expect(within(banner).getByRole('link', { name: 'the merchant’s workspace' })).toHaveAttribute('href', '/admin/organizations/org-9');
    await user.click(within(screen.getByRole('status')).getByRole('button', { name: 'End session' }));
    expect(await screen.findByRole('form', { name: 'Open a support session for Birch & Co' })).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Support session' })).not.toBeInTheDocument());
    expect(within(screen.getByRole('table', { name: 'Support sessions' })).getByText('Closed')).toBeInTheDocument();
  }, 20_000);

  it('says when the workspace does not exist', async () => {
    mockApi({ ...common, 'GET /api/v1/me': () => json(adminMe) });
    renderApp('/admin/organizations/nope');
    expect(await screen.findByText('No such workspace')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to all workspaces' })).toHaveAttribute('href', '/admin');
  }, 15_000);
});
