import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';

import { Alert, Button, FormError, TextField } from '@/components/ui';
import { useRequestPasswordReset } from '@/features/auth/hooks';
import { formErrors } from '@/lib/problem';

import { AuthLayout } from './AuthLayout';

const FIELDS = ['email'] as const;

export function ForgotPasswordPage() {
  const request = useRequestPasswordReset();
  const [email, setEmail] = useState('');
  const errors = formErrors(request.error, FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    request.mutate({ body: { email: email.trim() } });
  };

  if (request.isSuccess) {
    return (
      <AuthLayout title="Check your inbox">
        <div className="stack">
          <Alert tone="success">
            If an account exists for {request.variables.body.email}, we've sent it a link to choose a new password.
          </Alert>
          <p>
            <Link to="/login">Back to log in</Link>
          </p>
        </div>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title="Reset your password" subtitle="Enter your email and we'll send you a link to choose a new one.">
      <form className="form" onSubmit={onSubmit} noValidate>
        <fieldset className="form-fieldset" disabled={request.isPending}>
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
          <FormError message={errors.general} />
          <Button type="submit" variant="primary" className="btn--block" loading={request.isPending}>
            Send reset link
          </Button>
        </fieldset>
        <p className="form-footnote">
          Remembered it? <Link to="/login">Log in</Link>
        </p>
      </form>
    </AuthLayout>
  );
}
