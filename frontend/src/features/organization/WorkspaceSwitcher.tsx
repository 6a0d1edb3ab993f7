import { useId } from 'react';

import { Select, Spinner } from '@/components/ui';
import { useSession } from '@/features/auth/session';
import { parseError } from '@/lib/problem';
import { roleLabel } from '@/lib/roles';

import { useSetActiveOrganization } from './hooks';

/** The workspace the app is looking at; switching refetches everything for the chosen one. */
export function WorkspaceSwitcher() {
  const me = useSession();
  const setActive = useSetActiveOrganization();
  const id = useId();
  const memberships = me.memberships.length > 0 ? me.memberships : [{ organization: me.organization, role: me.role }];

  return (
    <div className="workspace-switcher">
      <label htmlFor={id} className="visually-hidden">
        Workspace
      </label>
      <Select
        id={id}
        value={me.organization.id}
        disabled={setActive.isPending || memberships.length < 2}
        onChange={(event) => setActive.mutate({ body: { organization_id: event.target.value } })}
        aria-describedby={setActive.isError ? `${id}-error` : undefined}
      >
        {memberships.map((membership) => (
          <option key={membership.organization.id} value={membership.organization.id}>
            {membership.organization.name}
            {memberships.length > 1 ? ` (${roleLabel(membership.role)})` : ''}
          </option>
        ))}
      </Select>
      {setActive.isPending && <Spinner size="sm" label="Switching workspace" />}
      {setActive.isError && (
        <span id={`${id}-error`} role="alert" className="workspace-switcher-error">
          {parseError(setActive.error).message}
        </span>
      )}
    </div>
  );
}
