import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { json, makeMe, mockApi, problem } from '@/test/api';
import { renderApp } from '@/test/render';

const NAV = ['Dashboard', 'Products', 'Studio', 'Assets', 'Store', 'Usage', 'Billing', 'Settings'];

describe('App layout', () => {
  it('renders the eight sidebar items, the workspace and the user', async () => {
    mockApi({ 'GET /api/v1/me': () => json(makeMe()) });
    renderApp('/');

    const nav = await screen.findByRole('navigation', { name: 'Main' });
    const links = within(nav).getAllByRole('link');
    expect(links.map((link) => link.textContent)).toEqual(NAV);
    expect(within(nav).getByRole('link', { name: 'Dashboard' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('heading', { level: 1, name: 'Welcome, Ada' })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Workspace' })).toHaveDisplayValue('Acme Candles');
    expect(screen.getByRole('button', { name: 'Account menu for Ada Lovelace' })).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Verify your email' })).not.toBeInTheDocument();
  });

  it('redirects to /login with ?next= when get_me answers 401', async () => {
    mockApi({ 'GET /api/v1/me': () => problem(401, { code: 'not_authenticated' }) });
    const { router } = renderApp('/settings/members');

    expect(await screen.findByRole('heading', { name: 'Log in to Epox' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(router.state.location.search).toBe('?next=%2Fsettings%2Fmembers');
    expect(screen.queryByRole('navigation', { name: 'Main' })).not.toBeInTheDocument();
  });

  it('shows the verify-email banner while the address is unverified', async () => {
    const me = makeMe();
    mockApi({ 'GET /api/v1/me': () => json({ ...me, user: { ...me.user, email_verified: false } }) });
    renderApp('/');
    const banner = await screen.findByRole('region', { name: 'Verify your email' });
    expect(within(banner).getByRole('button', { name: 'Resend email' })).toBeInTheDocument();
  });

  it('shows what went wrong (and a retry) when get_me fails otherwise', async () => {
    mockApi({ 'GET /api/v1/me': () => problem(403, { detail: 'Your account is suspended.' }) });
    renderApp('/');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Your account is suspended.');
    await waitFor(() => expect(within(alert).getByRole('button', { name: 'Try again' })).toBeEnabled());
  });

  it('asks to pick a workspace when the session has no active one', async () => {
    const me = makeMe();
    mockApi({ 'GET /api/v1/me': () => json({ ...me, organization: null, role: null, memberships: [] }) });
    renderApp('/');
    expect(await screen.findByText("You're not in a workspace")).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
    expect(screen.queryByRole('navigation', { name: 'Main' })).not.toBeInTheDocument();
  });
});
