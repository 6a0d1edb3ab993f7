import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';

import { getOrganizationOptions } from '@/client/@tanstack/react-query.gen';
import type { GetOrganizationResponse } from '@/client/types.gen';
import { Button, Card, ErrorState, FormError, LoadingBlock, TextField } from '@/components/ui';
import { useSession } from '@/features/auth/session';
import { formatDate } from '@/lib/format';
import { formErrors } from '@/lib/problem';
import { canManageWorkspace } from '@/lib/roles';

import { useUpdateOrganization } from './hooks';

const FIELDS = ['name'] as const;

export function WorkspaceSettings() {
  const organization = useQuery(getOrganizationOptions());
  if (organization.isPending) return <LoadingBlock label="Loading workspace" />;
  if (organization.isError) {
    return (
      <ErrorState
        error={organization.error}
        what="the workspace"
        onRetry={() => void organization.refetch()}
        retrying={organization.isFetching}
      />
    );
  }
  // Keyed by id so switching workspace starts the form from the new name.
  return <WorkspaceForm key={organization.data.id} organization={organization.data} />;
}

function WorkspaceForm({ organization }: { organization: GetOrganizationResponse }) {
  const { role } = useSession();
  const update = useUpdateOrganization();
  const [name, setName] = useState(organization.name);
  const errors = formErrors(update.error, FIELDS);
  const canEdit = canManageWorkspace(role);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    update.mutate({ body: { name: name.trim() } });
  };

  return (
    <Card
      title="Workspace"
      description={`Created ${formatDate(organization.created_at)}. Everything in Epox (products, images, credits) belongs to a workspace.`}
    >
      <form className="form" onSubmit={onSubmit} noValidate>
        <fieldset className="form-fieldset" disabled={update.isPending || !canEdit}>
          <TextField
            label="Workspace name"
            name="name"
            autoComplete="organization"
            required
            value={name}
            onChange={(event) => {
              setName(event.target.value);
              if (update.isSuccess) update.reset();
            }}
            error={errors.fields.name}
            hint={canEdit ? 'Shown to your teammates and in emails we send them.' : 'Only owners and admins can rename the workspace.'}
          />
          <FormError message={errors.general} />
          {canEdit && (
            <div className="form-actions">
              <Button
                type="submit"
                variant="primary"
                loading={update.isPending}
                disabled={name.trim() === organization.name}
              >
                Save
              </Button>
              {update.isSuccess && (
                <span role="status" className="form-success">
                  Saved.
                </span>
              )}
            </div>
          )}
        </fieldset>
      </form>
    </Card>
  );
}
