import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { json, makeMe, mockApi, problem } from '@/test/api';
import { renderApp } from '@/test/render';

async function fillAndSubmit(user: ReturnType<typeof renderApp>['user'], email: string, password: string) {
  await user.type(screen.getByLabelText('Email'), email);
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Log in' }));
}

describe('LoginForm', () => {
  it('shows a server validation error next to the field it belongs to', async () => {
    mockApi({
      'POST /api/v1/auth/login': () =>
        problem(422, {
          code: 'validation_error',
          detail: 'Validation failed',
          errors: [{ field: 'body.email', message: 'value is not a valid email address', type: 'value_error' }],
        }),
    });
    const { user } = renderApp('/login');

    await fillAndSubmit(user, 'not-an-email', 'hunter22');

    const email = screen.getByLabelText('Email');
    await waitFor(() => expect(email).toHaveAttribute('aria-invalid', 'true'));
    expect(email).toHaveAccessibleDescription('value is not a valid email address');
    expect(screen.getByLabelText('Password')).not.toHaveAttribute('aria-invalid');
    // The field explains the failure, so there is no general line.
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows a general error for a 401', async () => {
    mockApi({
      'POST /api/v1/auth/login': () => problem(401, { code: 'invalid_credentials', detail: '' }),
    });
    const { user } = renderApp('/login');

    await fillAndSubmit(user, 'ada@example.com', 'wrong-password');

    expect(await screen.findByRole('alert')).toHaveTextContent('Incorrect email or password.');
    expect(screen.getByLabelText('Email')).not.toHaveAttribute('aria-invalid');
    // The form is usable again after the failure.
    expect(screen.getByRole('button', { name: 'Log in' })).toBeEnabled();
  });

  it('prefers the server detail of a 401 when it has one', async () => {
    mockApi({
      'POST /api/v1/auth/login': () => problem(401, { detail: 'Incorrect email or password (3 attempts left).' }),
    });
    const { user } = renderApp('/login');
    await fillAndSubmit(user, 'ada@example.com', 'wrong-password');
    expect(await screen.findByRole('alert')).toHaveTextContent('Incorrect email or password (3 attempts left).');
  });

  it('signs in, sends the credentials, and returns to ?next=', async () => {
    const me = makeMe();
    const { calls } = mockApi({
      'POST /api/v1/auth/login': () => json({ user: me.user, organization: me.organization }),
      'GET /api/v1/me': () => json(me),
      'GET /api/v1/organization': () => json(me.organization),
    });
    const { user, router } = renderApp('/login?next=%2Fsettings%2Fworkspace');

    await fillAndSubmit(user, ' ada@example.com ', 'correct horse');

    await waitFor(() => expect(router.state.location.pathname).toBe('/settings/workspace'));
    const login = calls.find((request) => request.url.endsWith('/auth/login'));
    expect(await login?.json()).toEqual({ email: 'ada@example.com', password: 'correct horse' });
    expect(await screen.findByLabelText('Workspace name')).toHaveValue('Acme Candles');
  });
});
