import { useState } from 'react';

import { Badge, type BadgeTone, Button, Card, ConfirmDialog, EmptyState, ErrorState, LoadingBlock, Table } from '@/components/ui';
import { useSession } from '@/features/auth/session';
import { formatDate } from '@/lib/format';
import { errorStatus, parseError } from '@/lib/problem';
import { canManageWorkspace, roleLabel } from '@/lib/roles';

import { type Invitation, useInvitations, useRevokeInvitation } from './hooks';
import { InviteForm } from './InviteForm';

const STATUS_TONES: Record<Invitation['status'], BadgeTone> = {
  pending: 'accent',
  accepted: 'success',
  revoked: 'neutral',
  expired: 'warning',
};

const STATUS_LABELS: Record<Invitation['status'], string> = {
  pending: 'Pending',
  accepted: 'Accepted',
  revoked: 'Revoked',
  expired: 'Expired',
};

export function InvitationsPanel() {
  const me = useSession();
  const canManage = canManageWorkspace(me.role);
  const invitations = useInvitations();
  const revoke = useRevokeInvitation();
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const rows = invitations.data?.pages.flatMap((page) => page.items) ?? [];

  const closeRevoke = () => {
    setRevoking(null);
    revoke.reset();
  };

  let body;
  if (invitations.isPending) body = <LoadingBlock label="Loading invitations" />;
  else if (invitations.isError)
    body =
      errorStatus(invitations.error) === 403 ? (
        <EmptyState title="Invitations are managed by owners and admins" description="Ask one of them to invite someone." />
      ) : (
        <ErrorState
          error={invitations.error}
          what="invitations"
          onRetry={() => void invitations.refetch()}
          retrying={invitations.isFetching}
        />
      );
  else if (rows.length === 0)
    body = (
      <EmptyState
        title="No invitations"
        description={canManage ? 'Invite a teammate above; they get an email with a link to join.' : 'Nobody has been invited yet.'}
      />
    );
  else
    body = (
      <>
        <Table
          caption="Invitations"
          head={
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          }
        >
          {rows.map((invitation) => (
            <tr key={invitation.id}>
              <td className="cell-primary">{invitation.email}</td>
              <td>{roleLabel(invitation.role)}</td>
              <td>
                <Badge tone={STATUS_TONES[invitation.status]}>{STATUS_LABELS[invitation.status]}</Badge>
              </td>
              <td className="cell-nowrap">{invitation.status === 'pending' ? formatDate(invitation.expires_at) : '—'}</td>
              <td className="cell-actions">
                {canManage && invitation.status === 'pending' && (
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => setRevoking(invitation)}
                    aria-label={`Revoke invitation for ${invitation.email}`}
                  >
                    Revoke
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </Table>
        {invitations.hasNextPage && (
          <div className="list-more">
            <Button onClick={() => void invitations.fetchNextPage()} loading={invitations.isFetchingNextPage}>
              Load more
            </Button>
          </div>
        )}
      </>
    );

  return (
    <Card title="Invitations" description="Invite people by email. Links expire, and you can revoke them until they're used.">
      {canManage && <InviteForm />}
      {body}
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke invitation?"
        description={`The link sent to ${revoking?.email ?? ''} stops working. You can invite them again later.`}
        confirmLabel="Revoke invitation"
        pending={revoke.isPending}
        error={revoke.isError ? parseError(revoke.error).message : null}
        onCancel={closeRevoke}
        onConfirm={() => {
          if (!revoking) return;
          revoke.mutate({ path: { invitation_id: revoking.id } }, { onSuccess: closeRevoke });
        }}
      />
    </Card>
  );
}
