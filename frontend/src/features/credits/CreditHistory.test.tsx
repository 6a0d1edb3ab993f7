import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { json, makeMe, mockApi } from '@/test/api';
import { balance, entry, noNotifications } from '@/test/credits';
import { renderApp } from '@/test/render';

describe('Credit history', () => {
  it('filters by type and loads more with the cursor', async () => {
    const { calls } = mockApi({
      'GET /api/v1/me': () => json(makeMe()),
      'GET /api/v1/credits/balance': () => json(balance()),
      'GET /api/v1/notifications': () => json(noNotifications),
      'GET /api/v1/credits/entries': (request) => {
        const url = new URL(request.url);
        if (url.searchParams.get('cursor') === 'page-2')
          return json({ items: [entry('e3', { reason: 'Goodwill', actor: { type: 'platform_admin', user_id: null, api_key_id: null } })], next_cursor: null });
        if (url.searchParams.get('type') === 'grant')
          return json({ items: [entry('e1')], next_cursor: 'page-2' });
        return json({
          items: [
            entry('e2', {
              type: 'capture',
              amount: -1,
              held_delta: -1,
              available_after: 9,
              held_after: 0,
              reason: null,
              job_id: '0190d6c2-1111-7222-8333-944445555666',
              item_key: 'output-1',
              actor: { type: 'user', user_id: 'user-1', api_key_id: null },
            }),
            entry('e1'),
          ],
          next_cursor: null,
        });
      },
    });
    const { user } = renderApp('/usage/credits');

    const table = () => screen.getByRole('table', { name: 'Credit history' });
    await screen.findByRole('table', { name: 'Credit history' });
    let rows = within(table()).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent('Charge');
    expect(rows[1]).toHaveTextContent('−1');
    expect(rows[1]).toHaveTextContent('Job 0190d6c2 · output-1');
    expect(rows[1]).toHaveTextContent('You');
    expect(rows[2]).toHaveTextContent('Grant');
    expect(rows[2]).toHaveTextContent('+10');
    expect(rows[2]).toHaveTextContent('Free trial');
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText('Type'), 'grant');
    await waitFor(() => expect(within(table()).getAllByRole('row')).toHaveLength(2));
    const filtered = calls.filter((request) => new URL(request.url).searchParams.get('type') === 'grant');
    expect(filtered).toHaveLength(1);

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(within(table()).getAllByRole('row')).toHaveLength(3));
    const next = calls.find((request) => new URL(request.url).searchParams.get('cursor') === 'page-2');
    expect(next && new URL(next.url).searchParams.get('type')).toBe('grant');
    rows = within(table()).getAllByRole('row');
    expect(rows[2]).toHaveTextContent('Goodwill');
    expect(rows[2]).toHaveTextContent('Epox support');
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  }, 15_000);

  it('explains an empty history and rejects a job id that is not one', async () => {
    const { calls } = mockApi({
      'GET /api/v1/me': () => json(makeMe()),
      'GET /api/v1/credits/balance': () => json(balance()),
      'GET /api/v1/notifications': () => json(noNotifications),
      'GET /api/v1/credits/entries': () => json({ items: [], next_cursor: null }),
    });
    const { user } = renderApp('/usage/credits');
    expect(await screen.findByText('No credit movements yet')).toBeInTheDocument();

    await user.type(screen.getByLabelText('Job id'), 'nope');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(screen.getByLabelText('Job id')).toHaveAccessibleDescription(/Enter a job id/);
    expect(calls.some((request) => new URL(request.url).searchParams.has('job_id'))).toBe(false);
  }, 15_000);
});
