import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router';

import { Alert, Button, buttonClass, EmptyState, FormError, TextField } from '@/components/ui';
import { useConfirmPasswordReset } from '@/features/auth/hooks';
import { formErrors } from '@/lib/problem';

import { AuthLayout } from './AuthLayout';

const FIELDS = ['password'] as const;

export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token');
  const confirm = useConfirmPasswordReset();
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const errors = formErrors(confirm.error, FIELDS);

  if (!token) {
    return (
      <AuthLayout title="Choose a new password">
        <EmptyState
          title="This reset link is incomplete"
          description="Open the link from the email again, or ask for a new one."
          action={
            <Link className={buttonClass('primary')} to="/forgot-password">
              Get a new link
            </Link>
          }
        />
      </AuthLayout>
    );
  }

  if (confirm.isSuccess) {
    return (
      <AuthLayout title="Password changed">
        <div className="stack">
          <Alert tone="success">Your new password is set. Log in with it to continue.</Alert>
          <div className="button-row">
            <Link className={buttonClass('primary')} to="/login">
              Log in
            </Link>
          </div>
        </div>
      </AuthLayout>
    );
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (password !== repeat) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    confirm.mutate({ body: { token, password } });
  };

  return (
    <AuthLayout title="Choose a new password">
      <form className="form" onSubmit={onSubmit} noValidate>
        <fieldset className="form-fieldset" disabled={confirm.isPending}>
          <TextField
            label="New password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            error={errors.fields.password}
          />
          <TextField
            label="Repeat new password"
            name="repeat_password"
            type="password"
            autoComplete="new-password"
            required
            value={repeat}
            onChange={(event) => setRepeat(event.target.value)}
            error={mismatch ? "The passwords don't match." : null}
          />
          <FormError message={errors.general} />
          {errors.general && (
            <p className="form-footnote">
              <Link to="/forgot-password">Ask for a new link</Link>
            </p>
          )}
          <Button type="submit" variant="primary" className="btn--block" loading={confirm.isPending}>
            Set new password
          </Button>
        </fieldset>
      </form>
    </AuthLayout>
  );
}
