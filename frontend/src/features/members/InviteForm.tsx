import { type FormEvent, useState } from 'react';

import { Button, FormError, TextField } from '@/components/ui';
import { formErrors } from '@/lib/problem';
import { roleDescription, type RoleName } from '@/lib/roles';

import { AssignableRoleField } from './AssignableRoleField';
import { useCreateInvitation } from './hooks';

const FIELDS = ['email', 'role'] as const;

export function InviteForm() {
  const createInvitation = useCreateInvitation();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<RoleName>('member');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const errors = formErrors(createInvitation.error, FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSentTo(null);
    createInvitation.mutate(
      { body: { email: email.trim(), role } },
      {
        onSuccess: (invitation) => {
          setSentTo(invitation.email);
          setEmail('');
        },
      },
    );
  };

  return (
    <form className="form form--inline" onSubmit={onSubmit} noValidate aria-label="Invite a teammate">
      <fieldset className="form-fieldset" disabled={createInvitation.isPending}>
        <div className="form-inline-row">
          <TextField
            className="grow"
            label="Email"
            name="email"
            type="email"
            autoComplete="off"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            error={errors.fields.email}
          />
          <AssignableRoleField label="Role" value={role} onChange={setRole} error={errors.fields.role} />
          <div className="form-inline-submit">
            <Button type="submit" variant="primary" loading={createInvitation.isPending}>
              Send invite
            </Button>
          </div>
        </div>
        <p className="field-hint">{roleDescription(role)}.</p>
        <FormError message={errors.general} />
        {sentTo && (
          <p role="status" className="form-success">
            Invitation sent to {sentTo}.
          </p>
        )}
      </fieldset>
    </form>
  );
}
