import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { json, makeMe, mockApi, problem } from '@/test/api';
import { balance, noNotifications } from '@/test/credits';
import { renderApp } from '@/test/render';

import { adminMe } from './fixtures';

const common = {
  'GET /api/v1/me': () => json(adminMe),
  'GET /api/v1/credits/balance': () => json(balance()),
  'GET /api/v1/notifications': () => json(noNotifications),
};

const ORG = '0190d6c2-1111-7222-8333-944445555666';
const JOB = '0190d6c2-2222-7222-8333-944445555666';

function failedJob(overrides: Record<string, unknown> = {}) {
  return {
    id: JOB,
    organization_id: ORG,
    organization_name: 'Birch & Co',
    kind: 'image',
    status: 'succeeded',
    provider: 'gemini',
    attempts: 1,
    max_attempts: 3,
    error_code: null,
    error_message: null,
    progress_total: 6,
    progress_done: 4,
    progress_failed: 2,
    created_at: '2026-11-20T09:00:00Z',
    finished_at: '2026-11-20T09:02:00Z',
    failed_items: [
      {
        id: 'item-5',
        position: 4,
        product_id: null,
        attempts: 3,
        credits: 1,
        error_code: 'provider_timeout',
        error_message: 'The provider did not answer in 60 s.',
        prompt: 'a sunlit corner with a linen throw',
        settings: { aspect_ratio: '4:3', quality: '1k' },
        provider: 'gemini',
      },
      {
        id: 'item-6',
        position: 5,
        product_id: null,
        attempts: 3,
        credits: 1,
        error_code: 'content_refused',
        error_message: 'Refused by the safety filter.',
        prompt: 'a beach',
        settings: { aspect_ratio: '1:1' },
        provider: 'gemini',
      },
    ],
    retried_by_job_id: null,
    ...overrides,
  };
}

describe('Admin console: failed jobs', () => {
  it('shows error, prompt, settings, provider and attempts, and retries only the failed items with a reason', async () => {
    let retried = false;
    const { calls } = mockApi({
      ...common,
      'GET /api/v1/admin/jobs': () =>
        json({ items: [failedJob(retried ? { retried_by_job_id: '0190d6c2-3333-7222-8333-944445555666' } : {})], next_cursor: null }),
      [`POST /api/v1/admin/jobs/${JOB}/retry`]: () => {
        retried = true;
        return json(
          {
            source_job_id: JOB,
            job: { id: '0190d6c2-3333-7222-8333-944445555666', kind: 'image', status: 'queued' },
            retried_items: 2,
            credits_held: 2,
          },
          202,
        );
      },
    });
    const { user } = renderApp(`/admin/jobs?organization=${ORG}`);

    const list = await screen.findByRole('list', { name: 'Failed jobs' }, { timeout: 5000 });
    expect(list).toHaveTextContent('provider gemini · attempt 1 of 3 · 4 of 6 done');
    expect(new URL(calls.find((request) => request.url.includes('/admin/jobs'))?.url ?? '').searchParams.get('organization_id')).toBe(ORG);
    await user.click(within(list).getByText(/2 failed items: error, prompt and settings/));
    expect(within(list).getByText('The provider did not answer in 60 s.')).toBeVisible();
    expect(within(list).getByText('a sunlit corner with a linen throw')).toBeVisible();
    expect(within(list).getByText(/"aspect_ratio": "4:3"/)).toBeVisible();

    await user.click(within(list).getByRole('button', { name: 'Retry failed items' }));
    const dialog = screen.getByRole('dialog', { name: 'Retry 2 failed items?' });
    expect(dialog).toHaveTextContent('holds up to 2 credits and charges only what is delivered');
    await user.click(within(dialog).getByRole('button', { name: 'Retry failed items' }));
    expect(within(dialog).getByLabelText('Reason')).toHaveAccessibleDescription(/Say why/);
    expect(calls.some((request) => request.method === 'POST')).toBe(false);
    await user.type(within(dialog).getByLabelText('Reason'), 'Provider outage');
    await user.click(within(dialog).getByRole('button', { name: 'Retry failed items' }));
    expect(await within(dialog).findByText(/re-runs 2 items, holding 2 credits/)).toBeInTheDocument();
    expect(await calls.find((request) => request.method === 'POST')?.json()).toEqual({ reason: 'Provider outage' });
    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    expect(await within(screen.getByRole('list', { name: 'Failed jobs' })).findByText('Retried as 0190d6c2')).toBeInTheDocument();
  }, 20_000);

  it('shows why a retry was refused, and checks the workspace filter', async () => {
    mockApi({
      ...common,
      'GET /api/v1/admin/jobs': () => json({ items: [failedJob()], next_cursor: null }),
      [`POST /api/v1/admin/jobs/${JOB}/retry`]: () =>
        problem(402, { code: 'insufficient_credits', detail: 'This needs 2 credits and 0 are available. Buy credits or change your plan.' }),
    });
    const { user } = renderApp('/admin/jobs');
    await user.type(await screen.findByLabelText('Workspace id'), 'birch');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(screen.getByLabelText('Workspace id')).toHaveAccessibleDescription(/Paste a workspace id/);

    await user.click(screen.getByRole('button', { name: 'Retry failed items' }));
    const dialog = screen.getByRole('dialog');
    await user.type(within(dialog).getByLabelText('Reason'), 'Provider outage');
    await user.click(within(dialog).getByRole('button', { name: 'Retry failed items' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('This needs 2 credits and 0 are available.');
  }, 20_000);
});

describe('Admin console: provider costs', () => {
  it('sets provider spend beside captured credits per operation, and refuses an inverted range', async () => {
    const { calls } = mockApi({
      ...common,
      'GET /api/v1/admin/costs': () =>
        json({
          from: '2026-11-01',
          to: '2026-11-30',
          credit_value_micros: 100_000,
          rows: [
            { day: '2026-11-03', provider: 'gemini', model: 'imagen-3', operation: 'image.generate', job_kind: 'image', calls: 12, failed_calls: 1, cost_micros: 480_000, average_duration_ms: 5400 },
          ],
          margins: [
            { operation: 'image', provider_cost_micros: 480_000, credits_captured: 11, delivered: 11, revenue_micros: 1_100_000, gross_margin_micros: 620_000, gross_margin_percent: 56.36 },
          ],
          total_cost_micros: 480_000,
          total_revenue_micros: 1_100_000,
        }),
    });
    const { user } = renderApp('/admin/costs?from=2026-11-01&to=2026-11-30');
    const margins = await screen.findByRole('table', { name: 'Gross margin per operation' });
    const row = within(margins).getByRole('row', { name: /Images/ });
    expect(row).toHaveTextContent('$0.48');
    expect(row).toHaveTextContent('$1.10');
    expect(row).toHaveTextContent('$0.62');
    expect(row).toHaveTextContent('56.4%');
    const calls_ = within(screen.getByRole('table', { name: 'Provider calls per day' })).getAllByRole('row');
    expect(calls_[1]).toHaveTextContent('imagen-3');
    expect(calls_[1]).toHaveTextContent('1 failed');
    expect(calls_[1]).toHaveTextContent('5.4 s');
    expect(new URL(calls.find((request) => request.url.includes('/admin/costs'))?.url ?? '').searchParams.get('from')).toBe('2026-11-01');

    await user.clear(screen.getByLabelText('To (UTC)'));
    await user.type(screen.getByLabelText('To (UTC)'), '2026-10-01');
    await waitFor(() => expect(screen.getByLabelText('To (UTC)')).toHaveAccessibleDescription(/on or after the first day/));
  }, 20_000);
});

describe('Admin console: audit log', () => {
  it('filters by actor email, workspace, action and time, and shows before and after', async () => {
    const { calls } = mockApi({
      ...common,
      'GET /api/v1/admin/audit-log': () =>
        json({
          items: [
            {
              id: 'a-1',
              organization_id: ORG,
              organization_name: 'Birch & Co',
              actor_user_id: 'user-1',
              actor_email: 'ada@example.com',
              actor_api_key_id: null,
              action: 'credits.grant',
              target_type: 'credit_lot',
              target_id: 'lot-77',
              before: { available: 10 },
              after: { available: 35, reason: 'Sorry for the outage' },
              created_at: '2026-11-20T09:00:00Z',
            },
          ],
          next_cursor: null,
        }),
    });
    const { user } = renderApp('/admin/audit');
    const list = await screen.findByRole('list', { name: 'Audit log' });
    const changes = within(list).getByRole('table', { name: 'Before and after' });
    const available = within(changes).getByRole('row', { name: /available/ });
    expect(within(available).getAllByRole('cell').map((cell) => cell.textContent)).toEqual(['10', '35']);
    expect(within(changes).getByRole('row', { name: /reason/ })).toHaveTextContent('—Sorry for the outage');

    await user.type(screen.getByLabelText('Actor'), 'not an email');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(screen.getByLabelText('Actor')).toHaveAccessibleDescription('Enter an email address or a user id.');

    await user.clear(screen.getByLabelText('Actor'));
    await user.type(screen.getByLabelText('Actor'), 'ada@example.com');
    await user.type(screen.getByLabelText('Action'), 'credits.');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    const lastAudit = () => new URL(calls.filter((request) => request.url.includes('/admin/audit-log')).at(-1)?.url ?? '');
    await waitFor(() => {
      const last = lastAudit();
      expect(last.searchParams.get('actor_email')).toBe('ada@example.com');
      expect(last.searchParams.get('action')).toBe('credits.');
    });

    const refreshed = await screen.findByRole('list', { name: 'Audit log' });
    await user.click(within(refreshed).getByRole('button', { name: '(only this workspace)' }));
    await waitFor(() => expect(lastAudit().searchParams.get('organization_id')).toBe(ORG));
    expect(lastAudit().searchParams.get('actor_email')).toBe('ada@example.com');
    expect(screen.getByLabelText('Workspace id')).toHaveValue(ORG);
  }, 20_000);
});

describe('Support access, as the merchant sees it', () => {
  it('lists who opened the workspace, why and until when, with a live session called out', async () => {
    mockApi({
      ...common,
      'GET /api/v1/me': () => json(makeMe()),
      'GET /api/v1/organization': () => json({ id: 'org-1', name: 'Acme Candles', created_at: '2025-01-02T10:00:00Z' }),
      'GET /api/v1/organization/support-access': () =>
        json([
          {
            id: 'g-2',
            organization_id: 'org-1',
            admin_user_id: 'staff-1',
            admin_name: 'Sam Support',
            admin_email: 'sam@epox.example',
            reason: 'Ticket 42: images missing',
            created_at: '2026-11-20T09:00:00Z',
            expires_at: '2099-11-20T10:00:00Z',
            ended_at: null,
            active: true,
          },
          {
            id: 'g-1',
            organization_id: 'org-1',
            admin_user_id: 'staff-1',
            admin_name: 'Sam Support',
            admin_email: 'sam@epox.example',
            reason: 'Ticket 7',
            created_at: '2026-10-01T09:00:00Z',
            expires_at: '2026-10-01T10:00:00Z',
            ended_at: null,
            active: false,
          },
        ]),
    });
    renderApp('/settings/workspace');
    expect(await screen.findByText('Sam Support from Epox support can see this workspace now')).toBeInTheDocument();
    expect(screen.getByText(/Reason: “Ticket 42: images missing”/)).toBeInTheDocument();
    const rows = within(screen.getByRole('table', { name: 'Support access' })).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('Active');
    expect(rows[2]).toHaveTextContent('Ticket 7');
    expect(rows[2]).toHaveTextContent('Closed');
    expect(rows[2]).toHaveTextContent('expired');
  }, 15_000);
});
