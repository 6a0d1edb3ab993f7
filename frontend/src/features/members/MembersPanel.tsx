import { useState } from 'react';

import { Alert, Badge, Button, Card, ConfirmDialog, EmptyState, ErrorState, LoadingBlock, Select, Spinner, Table } from '@/components/ui';
import { useSession } from '@/features/auth/session';
import { formatDate } from '@/lib/format';
import { parseError } from '@/lib/problem';
import { assignableRoles, canManageWorkspace, roleLabel, type RoleName } from '@/lib/roles';

import { type Member, useMembers, useRemoveMember, useUpdateMember } from './hooks';

export function MembersPanel() {
  const me = useSession();
  const members = useMembers();
  const updateMember = useUpdateMember();
  const removeMember = useRemoveMember();
  const [removing, setRemoving] = useState<Member | null>(null);

  const canManage = canManageWorkspace(me.role);
  const options = assignableRoles(me.role);
  const rows = members.data?.pages.flatMap((page) => page.items) ?? [];

  const editable = (member: Member) =>
    canManage && member.user_id !== me.user.id && (member.role !== 'owner' || me.role === 'owner');

  const closeRemove = () => {
    setRemoving(null);
    removeMember.reset();
  };

  let body;
  if (members.isPending) body = <LoadingBlock label="Loading members" />;
  else if (members.isError)
    body = (
      <ErrorState error={members.error} what="members" onRetry={() => void members.refetch()} retrying={members.isFetching} />
    );
  else if (rows.length === 0)
    body = <EmptyState title="No members yet" description="People you invite appear here once they accept." />;
  else
    body = (
      <>
        {updateMember.isError && (
          <Alert tone="error" title="Couldn't change the role">
            {parseError(updateMember.error).message}
          </Alert>
        )}
        <Table
          caption="Workspace members"
          head={
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Role</th>
              <th scope="col">Joined</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          }
        >
          {rows.map((member) => {
            const isSelf = member.user_id === me.user.id;
            const rowPending = updateMember.isPending && updateMember.variables.path.user_id === member.user_id;
            return (
              <tr key={member.user_id}>
                <td>
                  <div className="cell-primary cell-inline">
                    {member.name || member.email} {isSelf && <Badge tone="accent">You</Badge>}
                  </div>
                  <div className="cell-secondary">{member.email}</div>
                </td>
                <td>
                  {editable(member) ? (
                    <span className="inline-action">
                      <Select
                        aria-label={`Role of ${member.name || member.email}`}
                        value={member.role}
                        disabled={rowPending}
                        className="select--compact"
                        onChange={(event) =>
                          updateMember.mutate({
                            path: { user_id: member.user_id },
                            body: { role: event.target.value as RoleName },
                          })
                        }
                      >
                        {options.map((role) => (
                          <option key={role} value={role}>
                            {roleLabel(role)}
                          </option>
                        ))}
                      </Select>
                      {rowPending && <Spinner size="sm" label="Saving role" />}
                    </span>
                  ) : (
                    <Badge tone={member.role === 'owner' ? 'accent' : 'neutral'}>{roleLabel(member.role)}</Badge>
                  )}
                </td>
                <td className="cell-nowrap">{formatDate(member.joined_at)}</td>
                <td className="cell-actions">
                  {editable(member) && (
                    <Button
                      size="sm"
                      variant="ghost"
                      onClick={() => setRemoving(member)}
                      aria-label={`Remove ${member.name || member.email}`}
                    >
                      Remove
                    </Button>
                  )}
                </td>
              </tr>
            );
          })}
        </Table>
        {members.hasNextPage && (
          <div className="list-more">
            <Button onClick={() => void members.fetchNextPage()} loading={members.isFetchingNextPage}>
              Load more
            </Button>
          </div>
        )}
      </>
    );

  return (
    <Card title="Members" description="People who can work in this workspace, and what they may do.">
      {body}
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing?.name || removing?.email || 'member'}?`}
        description={`They lose access to ${me.organization.name} right away. You can invite them again later.`}
        confirmLabel="Remove member"
        pending={removeMember.isPending}
        error={removeMember.isError ? parseError(removeMember.error).message : null}
        onCancel={closeRemove}
        onConfirm={() => {
          if (!removing) return;
          removeMember.mutate({ path: { user_id: removing.user_id } }, { onSuccess: closeRemove });
        }}
      />
    </Card>
  );
}
