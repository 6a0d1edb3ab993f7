import { type FormEvent, useState } from 'react';

import { Button, FormError, SelectField, TextField } from '@/components/ui';
import { useSession } from '@/features/auth/session';
import { formErrors } from '@/lib/problem';
import { assignableRoles, roleDescription, roleLabel, type RoleName } from '@/lib/roles';

import { type ApiKeyCreated, useCreateApiKey } from './hooks';

const FIELDS = ['name', 'role'] as const;

export function CreateApiKeyForm({ onCreated }: { onCreated: (key: ApiKeyCreated) => void }) {
  const { role: myRole } = useSession();
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
          <SelectField
            label="Acts as"
            name="role"
            value={role}
            onChange={(event) => setRole(event.target.value as RoleName)}
            error={errors.fields.role}
          >
            {assignableRoles(myRole).map((option) => (
              <option key={option} value={option}>
                {roleLabel(option)}
              </option>
            ))}
          </SelectField>
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
