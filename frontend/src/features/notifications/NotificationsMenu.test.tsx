import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { json, makeMe, mockApi } from '@/test/api';
import { balance, notification } from '@/test/credits';
import { renderApp } from '@/test/render';

describe('Notifications menu', () => {
  it('shows the unread count and marks everything read', async () => {
    let read = false;
    const items = () => [
      notification('n1', { title: 'Credits are running low', read_at: read ? '2026-11-21T00:00:00Z' : null }),
      notification('n2', { read_at: read ? '2026-11-21T00:00:00Z' : null }),
    ];
    const { calls } = mockApi({
      'GET /api/v1/me': () => json(makeMe()),
      'GET /api/v1/credits/balance': () => json(balance()),
      'GET /api/v1/notifications': () => json({ items: items(), next_cursor: null, unread_count: read ? 0 : 2 }),
      'POST /api/v1/notifications/read-all': () => {
        read = true;
        return json({ marked_read: 2 });
      },
    });
    const { user } = renderApp('/');

    await user.click(await screen.findByRole('button', { name: 'Notifications, 2 unread' }, { timeout: 3000 }));
    const panel = screen.getByRole('region', { name: 'Notifications' });
    const list = within(panel).getByRole('list', { name: 'Notifications' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);
    expect(within(list).getByText('Credits are running low')).toBeInTheDocument();
    expect(within(list).getByRole('button', { name: 'Mark “Credits are running low” as read' })).toBeInTheDocument();

    await user.click(within(panel).getByRole('button', { name: 'Mark all read' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Notifications' })).toBeInTheDocument());
    expect(calls.filter((request) => request.method === 'POST').map((request) => new URL(request.url).pathname)).toEqual([
      '/api/v1/notifications/read-all',
    ]);
    expect(within(panel).queryByRole('button', { name: /Mark “/ })).not.toBeInTheDocument();
    expect(within(panel).queryByRole('button', { name: 'Mark all read' })).not.toBeInTheDocument();
  }, 15_000);

  it('marks one notification read', async () => {
    let read = false;
    const { calls } = mockApi({
      'GET /api/v1/me': () => json(makeMe()),
      'GET /api/v1/credits/balance': () => json(balance()),
      'GET /api/v1/notifications': () =>
        json({ items: [notification('n1', { read_at: read ? '2026-11-21T00:00:00Z' : null })], next_cursor: null, unread_count: read ? 0 : 1 }),
      'POST /api/v1/notifications/n1/read': () => {
        read = true;
        return json(notification('n1', { read_at: '2026-11-21T00:00:00Z' }));
      },
    });
    const { user } = renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Notifications, 1 unread' }, { timeout: 3000 }));
    await user.click(screen.getByRole('button', { name: 'Mark “Welcome: 10 free credits” as read' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Notifications' })).toBeInTheDocument());
    expect(calls.some((request) => request.method === 'POST' && request.url.endsWith('/notifications/n1/read'))).toBe(true);
  }, 15_000);
});
