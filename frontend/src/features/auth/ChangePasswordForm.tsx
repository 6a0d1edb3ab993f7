import { type FormEvent, useState } from 'react';

import { Button, Card, FormError, TextField } from '@/components/ui';
import { formErrors } from '@/lib/problem';

import { useChangePassword } from './hooks';

const FIELDS = ['current_password', 'new_password'] as const;

export function ChangePasswordForm() {
  const changePassword = useChangePassword();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirmPassword, setConfirmPassword] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const errors = formErrors(changePassword.error, FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (newPassword !== confirmPassword) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    changePassword.mutate(
      { body: { current_password: currentPassword, new_password: newPassword } },
      {
        onSuccess: () => {
          setCurrentPassword('');
          setNewPassword('');
          setConfirmPassword('');
        },
      },
    );
  };

  return (
    <Card title="Password" description="Use a password you don't use anywhere else.">
      <form className="form" onSubmit={onSubmit} noValidate>
        <fieldset className="form-fieldset" disabled={changePassword.isPending}>
          <TextField
            label="Current password"
            name="current_password"
            type="password"
            autoComplete="current-password"
            required
            value={currentPassword}
            onChange={(event) => setCurrentPassword(event.target.value)}
            error={errors.fields.current_password}
          />
          <TextField
            label="New password"
            name="new_password"
            type="password"
            autoComplete="new-password"
            required
            value={newPassword}
            onChange={(event) => setNewPassword(event.target.value)}
            error={errors.fields.new_password}
          />
          <TextField
            label="Confirm new password"
            name="confirm_password"
            type="password"
            autoComplete="new-password"
            required
            value={confirmPassword}
            onChange={(event) => setConfirmPassword(event.target.value)}
            error={mismatch ? "The passwords don't match." : null}
          />
          <FormError message={errors.general} />
          <div className="form-actions">
            <Button type="submit" variant="primary" loading={changePassword.isPending}>
              Change password
            </Button>
            {changePassword.isSuccess && (
              <span role="status" className="form-success">
                Password changed.
              </span>
            )}
          </div>
        </fieldset>
      </form>
    </Card>
  );
}
