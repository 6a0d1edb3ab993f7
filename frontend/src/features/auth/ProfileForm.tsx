import { type FormEvent, useState } from 'react';

import { Badge, Button, Card, FormError, TextField } from '@/components/ui';
import { formErrors } from '@/lib/problem';

import { useUpdateMe } from './hooks';
import { useSession } from './session';

const FIELDS = ['name'] as const;

export function ProfileForm() {
  const { user } = useSession();
  const updateMe = useUpdateMe();
  const [name, setName] = useState(user.name);
  const errors = formErrors(updateMe.error, FIELDS);
  const unchanged = name.trim() === user.name;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    updateMe.mutate({ body: { name: name.trim() } });
  };

  return (
    <Card title="Profile" description="How you appear to the people in your workspaces.">
      <form className="form" onSubmit={onSubmit} noValidate>
        <fieldset className="form-fieldset" disabled={updateMe.isPending}>
          <TextField
            label="Name"
            name="name"
            autoComplete="name"
            required
            value={name}
            onChange={(event) => {
              setName(event.target.value);
              if (updateMe.isSuccess) updateMe.reset();
            }}
            error={errors.fields.name}
          />
          <div className="field">
            <span className="field-label">Email</span>
            <p className="field-static">
              {user.email}{' '}
              {user.email_verified ? <Badge tone="success">Verified</Badge> : <Badge tone="warning">Not verified</Badge>}
            </p>
          </div>
          <FormError message={errors.general} />
          <div className="form-actions">
            <Button type="submit" variant="primary" loading={updateMe.isPending} disabled={unchanged}>
              Save
            </Button>
            {updateMe.isSuccess && (
              <span role="status" className="form-success">
                Saved.
              </span>
            )}
          </div>
        </fieldset>
      </form>
    </Card>
  );
}
