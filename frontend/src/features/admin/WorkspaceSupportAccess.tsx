import { Alert, Badge, Card, ErrorState, LoadingBlock, Table } from '@/components/ui';
import { formatDateTime } from '@/lib/format';

import { type SupportAccess, useSupportAccess } from './hooks';

function until(grant: SupportAccess): string {
  if (grant.active) return `until ${formatDateTime(grant.expires_at)}`;
  if (grant.ended_at && grant.ended_at < grant.expires_at) return `ended ${formatDateTime(grant.ended_at)}`;
  return `expired ${formatDateTime(grant.expires_at)}`;
}

/**
 * The merchant's view of support access: who from Epox support opened this workspace (read-only), why, and until
 * when. A live session is called out at the top.
 */
export function WorkspaceSupportAccess() {
  const grants = useSupportAccess();

  let body;
  if (grants.isPending) body = <LoadingBlock label="Loading support access" />;
  else if (grants.isError)
    body = <ErrorState error={grants.error} what="support access" onRetry={() => void grants.refetch()} retrying={grants.isFetching} />;
  else if (grants.data.length === 0) body = <p className="muted">No one from Epox support has opened this workspace.</p>;
  else {
    const live = grants.data.filter((grant) => grant.active);
    body = (
      <>
        {live.map((grant) => (
          <Alert key={grant.id} tone="warning" title={`${grant.admin_name} from Epox support can see this workspace now`}>
            Read-only, {until(grant)}. Reason: “{grant.reason}”. Nothing can be changed in this session.
          </Alert>
        ))}
        <Table
          caption="Support access"
          head={
            <tr>
              <th scope="col">Opened</th>
              <th scope="col">By</th>
              <th scope="col">Reason</th>
              <th scope="col">Status</th>
            </tr>
          }
        >
          {grants.data.map((grant) => (
            <tr key={grant.id}>
              <td className="cell-nowrap">{formatDateTime(grant.created_at)}</td>
              <td>
                {grant.admin_name}
                <div className="cell-secondary">{grant.admin_email}</div>
              </td>
              <td>{grant.reason}</td>
              <td>
                <Badge tone={grant.active ? 'warning' : 'neutral'}>{grant.active ? 'Active' : 'Closed'}</Badge>
                <div className="cell-secondary">{until(grant)}</div>
              </td>
            </tr>
          ))}
        </Table>
      </>
    );
  }

  return (
    <Card
      title="Epox support access"
      description="When you ask for help, Epox support may open your workspace read-only for a limited time. Every visit is listed here and recorded."
    >
      {body}
    </Card>
  );
}
