import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { json, makeMe, mockApi, noContent } from '@/test/api';
import { renderApp } from '@/test/render';

const key = {
  id: 'key-1',
  name: 'Store sync',
  prefix: 'epx_live_ab12',
  role: 'member',
  created_at: '2025-03-01T09:00:00Z',
  last_used_at: null,
};

describe('API keys settings', () => {
  it('shows a new key’s secret once, with a copy button and a warning', async () => {
    let keys = [key];
    const { calls } = mockApi({
      'GET /api/v1/me': () => json(makeMe()),
      'GET /api/v1/organization/api-keys': () => json({ items: keys, next_cursor: null }),
      'POST /api/v1/organization/api-keys': () => {
        const created = { ...key, id: 'key-2', name: 'Zapier', prefix: 'epx_live_cd34' };
        keys = [...keys, created];
        return json({ ...created, secret: 'epx_live_cd34_supersecret' }, 201);
      },
    });
    const { user } = renderApp('/settings/api-keys');

    const table = await screen.findByRole('table', { name: 'API keys' });
    expect(within(table).getByText('Never')).toBeInTheDocument();

    await user.type(screen.getByLabelText('Key name'), 'Zapier');
    await user.click(screen.getByRole('button', { name: 'Create key' }));

    const secret = await screen.findByLabelText('Secret for Zapier');
    expect(secret).toHaveValue('epx_live_cd34_supersecret');
    expect(screen.getByText(/won't be shown again/i)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Copy API key' })).toBeInTheDocument();
    const post = calls.find((request) => request.method === 'POST');
    expect(await post?.json()).toEqual({ name: 'Zapier', role: 'member' });
    // The list was refetched with the new key.
    expect(await within(table).findByText('Zapier')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Done' }));
    expect(screen.queryByLabelText('Secret for Zapier')).not.toBeInTheDocument();
  });

  it('revokes a key only after confirming', async () => {
    let keys = [key];
    const { calls } = mockApi({
      'GET /api/v1/me': () => json(makeMe()),
      'GET /api/v1/organization/api-keys': () => json({ items: keys, next_cursor: null }),
      'DELETE /api/v1/organization/api-keys/key-1': () => {
        keys = [];
        return noContent();
      },
    });
    const { user } = renderApp('/settings/api-keys');

    await user.click(await screen.findByRole('button', { name: 'Revoke API key Store sync' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke "Store sync"?' });
    expect(calls.some((request) => request.method === 'DELETE')).toBe(false);

    await user.click(within(dialog).getByRole('button', { name: 'Revoke key' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(await screen.findByText('No API keys')).toBeInTheDocument();
  });

  it('hides write actions from viewers', async () => {
    const me = makeMe({ role: 'viewer' });
    mockApi({
      'GET /api/v1/me': () => json(me),
      'GET /api/v1/organization/api-keys': () => json({ items: [key], next_cursor: null }),
    });
    renderApp('/settings/api-keys');
    expect(await screen.findByRole('table', { name: 'API keys' })).toBeInTheDocument();
    expect(screen.queryByLabelText('Key name')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /revoke/i })).not.toBeInTheDocument();
  });

  it('loads the next page with the cursor the server gave', async () => {
    const second = { ...key, id: 'key-9', name: 'Older key' };
    const { calls } = mockApi({
      'GET /api/v1/me': () => json(makeMe()),
      'GET /api/v1/organization/api-keys': (request) =>
        new URL(request.url).searchParams.get('cursor') === 'c2'
          ? json({ items: [second], next_cursor: null })
          : json({ items: [key], next_cursor: 'c2' }),
    });
    const { user } = renderApp('/settings/api-keys');

    await user.click(await screen.findByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('Older key')).toBeInTheDocument();
    expect(screen.getByText('Store sync')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    const listCalls = calls.filter((request) => request.url.includes('/api-keys'));
    expect(listCalls.map((request) => new URL(request.url).search)).toEqual(['', '?cursor=c2']);
  });
});
