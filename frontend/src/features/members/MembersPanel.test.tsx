import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { json, makeMe, mockApi, noContent, problem } from '@/test/api';
import { renderApp } from '@/test/render';

const owner = { user_id: 'user-1', email: 'ada@example.com', name: 'Ada Lovelace', role: 'owner', joined_at: '2025-01-02T10:00:00Z' };
const member = { user_id: 'user-2', email: 'bob@example.com', name: 'Bob Stone', role: 'member', joined_at: '2025-02-02T10:00:00Z' };

describe('Members settings', () => {
  it('changes a role, and removes a member after confirming', async () => {
    let members = [owner, member];
    const { calls } = mockApi({
      'GET /api/v1/me': () => json(makeMe()),
      'GET /api/v1/organization/members': () => json({ items: members, next_cursor: null }),
      'GET /api/v1/organization/invitations': () => json({ items: [], next_cursor: null }),
      'PATCH /api/v1/organization/members/user-2': async (request) => {
        const body = (await request.json()) as { role: string };
        members = members.map((m) => (m.user_id === 'user-2' ? { ...m, role: body.role } : m));
        return json(members[1]);
      },
      'DELETE /api/v1/organization/members/user-2': () => {
        members = [owner];
        return noContent();
      },
    });
    const { user } = renderApp('/settings/members');

    const table = await screen.findByRole('table', { name: 'Workspace members' });
    // Nobody edits their own row.
    expect(within(table).queryByRole('combobox', { name: 'Role of Ada Lovelace' })).not.toBeInTheDocument();

    await user.selectOptions(within(table).getByRole('combobox', { name: 'Role of Bob Stone' }), 'viewer');
    await waitFor(() => expect(within(table).getByRole('combobox', { name: 'Role of Bob Stone' })).toHaveValue('viewer'));
    const patch = calls.find((request) => request.method === 'PATCH');
    expect(await patch?.json()).toEqual({ role: 'viewer' });

    await user.click(within(table).getByRole('button', { name: 'Remove Bob Stone' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove Bob Stone?' });
    await user.click(within(dialog).getByRole('button', { name: 'Remove member' }));
    await waitFor(() => expect(within(table).queryByText('Bob Stone')).not.toBeInTheDocument());
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(await screen.findByText('No invitations')).toBeInTheDocument();
  });

  it('keeps the confirm dialog open with the server’s reason when removal fails', async () => {
    mockApi({
      'GET /api/v1/me': () => json(makeMe()),
      'GET /api/v1/organization/members': () => json({ items: [owner, member], next_cursor: null }),
      'GET /api/v1/organization/invitations': () => json({ items: [], next_cursor: null }),
      'DELETE /api/v1/organization/members/user-2': () =>
        problem(409, { code: 'last_owner', detail: 'A workspace needs at least one owner.' }),
    });
    const { user } = renderApp('/settings/members');

    await user.click(await screen.findByRole('button', { name: 'Remove Bob Stone' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove Bob Stone?' });
    await user.click(within(dialog).getByRole('button', { name: 'Remove member' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('A workspace needs at least one owner.');
  });

  it('shows invite field errors next to the field', async () => {
    mockApi({
      'GET /api/v1/me': () => json(makeMe()),
      'GET /api/v1/organization/members': () => json({ items: [owner], next_cursor: null }),
      'GET /api/v1/organization/invitations': () => json({ items: [], next_cursor: null }),
      'POST /api/v1/organization/invitations': () =>
        problem(422, { errors: [{ field: 'body.email', message: 'value is not a valid email address', type: 'value_error' }] }),
    });
    const { user } = renderApp('/settings/members');

    const form = await screen.findByRole('form', { name: 'Invite a teammate' });
    await user.type(within(form).getByLabelText('Email'), 'nope');
    await user.click(within(form).getByRole('button', { name: 'Send invite' }));
    await waitFor(() =>
      expect(within(form).getByLabelText('Email')).toHaveAccessibleDescription('value is not a valid email address'),
    );
  });
});
