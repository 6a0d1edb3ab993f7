import { type FormEvent, useState } from 'react';

import { Button, FormError, TextField } from '@/components/ui';
import { formErrors } from '@/lib/problem';
import { roleDescription, roleLabel, type RoleName } from '@/lib/roles';

import { AssignableRoleField } from '@/features/members/AssignableRoleField';

import { type ApiKeyCreated, useCreateApiKey } from './hooks';

const FIELDS = ['name', 'role'] as const;

export function CreateApiKeyForm({ onCreated }: { onCreated: (key: ApiKeyCreated) => void }) {
  const createKey = useCreateApiKey();
  const [name, setName] = useState('');
  // A key acts with a role like a member does; least privilege by default.
  const [role, setRole] = useState<RoleName>('member');
  const errors = formErrors(createKey.error, FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    createKey.mutate(
      { body: { name: name.trim(), role } },
      {
        onSuccess: (key) => {
          setName('');
          onCreated(key);
        },
      },
    );
  };

  return (
    <form className="form form--inline" onSubmit={onSubmit} noValidate aria-label="Create an API key">
      <fieldset className="form-fieldset" disabled={createKey.isPending}>
        <div className="form-inline-row">
          <TextField
            className="grow"
            label="Key name"
            name="name"
            autoComplete="off"
            required
            placeholder="e.g. Production store sync"
            value={name}
            onChange={(event) => setName(event.target.value)}
            error={errors.fields.name}
          />
          <AssignableRoleField label="Acts as" value={role} onChange={setRole} error={errors.fields.role} />
          <div className="form-inline-submit">
            <Button type="submit" variant="primary" loading={createKey.isPending}>
              Create key
            </Button>
          </div>
        </div>
        <p className="field-hint">
          {roleLabel(role)}: {roleDescription(role)}.
        </p>
        <FormError message={errors.general} />
      </fieldset>
    </form>
  );
}
