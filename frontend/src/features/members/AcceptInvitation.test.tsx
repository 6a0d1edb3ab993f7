import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { json, makeMe, mockApi, problem } from '@/test/api';
import { renderApp } from '@/test/render';

const preview = {
  organization_name: 'Acme Candles',
  email: 'bob@example.com',
  role: 'member',
  inviter_name: 'Ada Lovelace',
  status: 'pending',
};

describe('Accept invitation page', () => {
  it('sends signed-out visitors to log in or sign up, keeping the token for the way back', async () => {
    mockApi({
      'GET /api/v1/invitations/preview': () => json(preview),
      'GET /api/v1/me': () => problem(401),
    });
    renderApp('/invitations/accept?token=tok_1234567890');

    const login = await screen.findByRole('link', { name: 'Log in to accept' });
    expect(login).toHaveAttribute('href', '/login?next=%2Finvitations%2Faccept%3Ftoken%3Dtok_1234567890');
    expect(screen.getByRole('link', { name: 'Create an account' })).toHaveAttribute(
      'href',
      '/signup?email=bob%40example.com&next=%2Finvitations%2Faccept%3Ftoken%3Dtok_1234567890',
    );
  });

  it('lets the invited person join and lands on the dashboard of the new workspace', async () => {
    const me = makeMe({ role: 'member' });
    const bob = { ...me, user: { ...me.user, email: 'bob@example.com', name: 'Bob Stone' } };
    const { calls } = mockApi({
      'GET /api/v1/invitations/preview': () => json(preview),
      'GET /api/v1/me': () => json(bob),
      'POST /api/v1/invitations/accept': () => json(bob),
    });
    const { user, router } = renderApp('/invitations/accept?token=tok_1234567890');

    await user.click(await screen.findByRole('button', { name: 'Join Acme Candles' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/'));
    expect(await screen.findByRole('heading', { name: 'Welcome, Bob' })).toBeInTheDocument();
    const accept = calls.find((request) => request.url.endsWith('/invitations/accept'));
    expect(await accept?.json()).toEqual({ token: 'tok_1234567890' });
  });

  it('says so when the invitation was for another address', async () => {
    mockApi({
      'GET /api/v1/invitations/preview': () => json(preview),
      'GET /api/v1/me': () => json(makeMe()),
    });
    renderApp('/invitations/accept?token=tok_1234567890');
    expect(await screen.findByText('This invitation is for someone else')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign out and continue' })).toBeInTheDocument();
  });
});
