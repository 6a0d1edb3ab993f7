/** Payloads of the credit and notification endpoints, shaped like the API's schemas. */

export function balance(overrides: Record<string, unknown> = {}) {
  return {
    available: 42,
    held: 8,
    total: 50,
    shortfall: 0,
    low_balance: false,
    expiring_soon: { credits: 5, first_expires_at: '2026-12-01T10:00:00Z', window_days: 7 },
    lots: [],
    ...overrides,
  };
}

export function entry(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    type: 'grant',
    amount: 10,
    held_delta: 0,
    available_after: 10,
    held_after: 0,
    reason: 'Free trial',
    job_id: null,
    hold_id: null,
    item_key: null,
    lot_id: 'lot-1',
    reference: null,
    actor: { type: 'system', user_id: null, api_key_id: null },
    allocations: [],
    created_at: '2026-11-20T09:00:00Z',
    ...overrides,
  };
}

export function notification(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    kind: 'credits_granted',
    title: 'Welcome: 10 free credits',
    body: 'Your free trial includes 10 credits.',
    data: {},
    read_at: null,
    created_at: '2026-11-20T09:00:00Z',
    ...overrides,
  };
}

export const noNotifications = { items: [], next_cursor: null, unread_count: 0 };
