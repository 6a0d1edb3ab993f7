import { useNavigate } from 'react-router';

import { Alert, Button, EmptyState } from '@/components/ui';
import { useLogout } from '@/features/auth/hooks';
import type { Me } from '@/features/auth/session';
import { parseError } from '@/lib/problem';
import { roleLabel } from '@/lib/roles';

import { useSetActiveOrganization } from './hooks';

/** Signed in, but no active workspace (removed from the last one, or the active one is gone). */
export function NoWorkspace({ me }: { me: Me }) {
  const navigate = useNavigate();
  const setActive = useSetActiveOrganization();
  const logout = useLogout();
  const signOut = () => logout.mutate({}, { onSettled: () => void navigate('/login', { replace: true }) });

  if (me.memberships.length > 0) {
    return (
      <div className="stack">
        <p>Choose the workspace to open.</p>
        {setActive.isError && <Alert tone="error">{parseError(setActive.error).message}</Alert>}
        <ul className="workspace-choices">
          {me.memberships.map((membership) => (
            <li key={membership.organization.id}>
              <Button
                className="btn--block workspace-choice"
                loading={setActive.isPending && setActive.variables.body.organization_id === membership.organization.id}
                disabled={setActive.isPending}
                onClick={() => setActive.mutate({ body: { organization_id: membership.organization.id } })}
              >
                <span>{membership.organization.name}</span>
                <span className="muted">{roleLabel(membership.role)}</span>
              </Button>
            </li>
          ))}
        </ul>
        <Button variant="ghost" onClick={signOut} loading={logout.isPending}>
          Sign out
        </Button>
      </div>
    );
  }

  return (
    <EmptyState
      title="You're not in a workspace"
      description={`${me.user.email} doesn't belong to any workspace right now. If someone invited you, open the link in their email.`}
      action={
        <Button onClick={signOut} loading={logout.isPending}>
          Sign out
        </Button>
      }
    />
  );
}
