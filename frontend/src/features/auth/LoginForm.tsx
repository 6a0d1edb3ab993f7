import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';

import { Button, FormError, TextField } from '@/components/ui';
import { errorStatus, formErrors, parseError } from '@/lib/problem';
import { loginPath } from '@/lib/redirect';

import { useLogin } from './hooks';

const FIELDS = ['email', 'password'] as const;

export function LoginForm({ next }: { next: string }) {
  const navigate = useNavigate();
  const login = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const errors = formErrors(login.error, FIELDS);
  // A 401 from login means the pair did not match; without a detail from the server, say so plainly.
  const general =
    errorStatus(login.error) === 401 && !parseError(login.error).problem?.detail
      ? 'Incorrect email or password.'
      : errors.general;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    login.mutate({ body: { email: email.trim(), password } }, { onSuccess: () => void navigate(next, { replace: true }) });
  };

  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      <fieldset className="form-fieldset" disabled={login.isPending}>
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          error={errors.fields.email}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={errors.fields.password}
        />
        <div className="form-row-end">
          <Link to="/forgot-password" className="link-quiet">
            Forgot your password?
          </Link>
        </div>
        <FormError message={general} />
        <Button type="submit" variant="primary" className="btn--block" loading={login.isPending}>
          Log in
        </Button>
      </fieldset>
      <p className="form-footnote">
        New to Epox? <Link to={loginPath(next, '/signup')}>Create an account</Link>
      </p>
    </form>
  );
}
