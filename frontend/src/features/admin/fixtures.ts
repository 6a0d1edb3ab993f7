/** Payloads of the admin endpoints, shaped like the API's schemas, for the console's tests. */
import { makeMe } from '@/test/api';
import { balance, entry } from '@/test/credits';
import { usagePoint, usageSummary } from '@/features/usage/fixtures';

export const adminMe = (() => {
  const me = makeMe();
  return { ...me, user: { ...me.user, is_platform_admin: true } };
})();

export function adminOrganization(id: string, name: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    name,
    created_at: '2025-03-01T00:00:00Z',
    member_count: 3,
    plan_code: 'starter',
    subscription_status: 'active',
    available: 120,
    usage_30d: 35,
    ...overrides,
  };
}

export const plans = {
  items: [
    { code: 'starter', name: 'Starter' },
    { code: 'scale', name: 'Scale' },
  ],
};

export function adminJob(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    kind: 'image',
    status: 'failed',
    progress: { done: 4, failed: 2, total: 6, percent: 100 },
    params: {},
    result: null,
    error: { code: 'provider_error', message: 'The provider timed out.' },
    attempts: 3,
    max_attempts: 3,
    created_by_user_id: null,
    created_by_api_key_id: null,
    created_at: '2026-11-20T09:00:00Z',
    started_at: '2026-11-20T09:00:01Z',
    finished_at: '2026-11-20T09:02:00Z',
    ...overrides,
  };
}

export function organizationDetail(overrides: Record<string, unknown> = {}) {
  const usage = usageSummary({
    series: [usagePoint('2026-11-01', [['image', 'Images', 4]]), usagePoint('2026-11-02', [['image', 'Images', 6]])],
  });
  return {
    organization: adminOrganization('org-9', 'Birch & Co'),
    time_zone: 'Europe/Berlin',
    subscription: {
      id: 'sub-1',
      status: 'active',
      plan_code: 'starter',
      interval: 'month',
      current_period_start: '2026-11-01T00:00:00Z',
      current_period_end: '2026-12-01T00:00:00Z',
      cancel_at_period_end: false,
    },
    balance: balance({
      available: 120,
      held: 0,
      lots: [
        {
          id: 'lot-1',
          source: 'allotment',
          category: 'paid',
          amount: 200,
          remaining: 120,
          held: 0,
          available: 120,
          effective_at: '2026-11-01T00:00:00Z',
          expires_at: '2026-12-01T00:00:00Z',
          priority: 0,
          reason: null,
          created_at: '2026-11-01T00:00:00Z',
        },
      ],
    }),
    ledger: [entry('e1', { reason: 'Plan credits', amount: 200, available_after: 200 })],
    usage,
    usage_by_operation: usageSummary({ group_by: 'operation', series: [{ ...usagePoint('x', [['image', 'Images', 10]]), key: 'image', label: 'Images', period_start: null }] }),
    members: [{ user_id: 'user-7', email: 'birch@example.com', name: 'Bea Birch', role: 'owner', joined_at: '2025-03-01T00:00:00Z' }],
    stores: [{ id: 'store-1', kind: 'shopify', shop_domain: 'birch.myshopify.com', status: 'active', last_synced_at: null }],
    recent_jobs: [adminJob('0190d6c2-0000-7000-8000-000000000001', { status: 'succeeded', error: null })],
    failed_jobs: [adminJob('0190d6c2-0000-7000-8000-000000000002')],
    support_access: [],
    ...overrides,
  };
}
