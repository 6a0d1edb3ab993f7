import { Link } from 'react-router';

import { Badge, Card, EmptyState, ErrorState, LoadingBlock, Table } from '@/components/ui';
import { usePlans } from '@/features/billing/hooks';
import { statusLabel, statusTone } from '@/features/billing/plans';
import { CreditEntriesTable } from '@/features/credits/CreditHistory';
import { creditsLabel, formatCredits } from '@/features/credits/hooks';
import { BarList, ChartCard, RankedTable, StackedBarChart, StackedBarTable } from '@/features/usage/charts';
import { operationColor } from '@/features/usage/hooks';
import { formatDay, periodLabel } from '@/features/usage/period';
import { formatDate, formatDateTime } from '@/lib/format';
import { errorStatus } from '@/lib/problem';
import { roleLabel } from '@/lib/roles';

import { AdminCredits } from './AdminCredits';
import { type AdminOrganizationDetail, useAdminOrganization } from './hooks';
import { JOB_KIND_LABELS, JOB_STATUS_LABELS, JOB_STATUS_TONES, LOT_SOURCE_LABELS, shortId, STORE_STATUS_LABELS } from './labels';
import { SupportAccessPanel } from './SupportAccessPanel';

type Job = AdminOrganizationDetail['recent_jobs'][number];

const USED = { key: 'net', label: 'Credits used', color: operationColor('image') };

function JobsTable({ caption, jobs }: { caption: string; jobs: readonly Job[] }) {
  if (jobs.length === 0) return <p className="muted">None.</p>;
  return (
    <Table
      caption={caption}
      head={
        <tr>
          <th scope="col">Started</th>
          <th scope="col">Kind</th>
          <th scope="col">Status</th>
          <th scope="col" className="cell-number">
            Done
          </th>
          <th scope="col">Error</th>
        </tr>
      }
    >
      {jobs.map((job) => (
        <tr key={job.id}>
          <td className="cell-nowrap">
            {formatDateTime(job.created_at)}
            <div className="cell-secondary code-text">{shortId(job.id)}</div>
          </td>
          <td>{JOB_KIND_LABELS[job.kind]}</td>
          <td>
            <Badge tone={JOB_STATUS_TONES[job.status]}>{JOB_STATUS_LABELS[job.status]}</Badge>
          </td>
          <td className="cell-number">
            {formatCredits(job.progress.done)} / {formatCredits(job.progress.total)}
            {job.progress.failed > 0 && <div className="cell-secondary">{formatCredits(job.progress.failed)} failed</div>}
          </td>
          <td>{job.error ? <span title={job.error.code}>{job.error.message}</span> : <span className="muted">—</span>}</td>
        </tr>
      ))}
    </Table>
  );
}

function Overview({ detail }: { detail: AdminOrganizationDetail }) {
  const plans = usePlans();
  const { organization, subscription, balance } = detail;
  const planName = plans.data?.items.find((plan) => plan.code === organization.plan_code)?.name ?? organization.plan_code;
  return (
    <div className="grid grid--2">
      <Card title="Plan and subscription">
        <dl className="facts">
          <div>
            <dt>Plan</dt>
            <dd>{planName}</dd>
          </div>
          <div>
            <dt>Subscription</dt>
            <dd>
              {subscription ? (
                <>
                  <Badge tone={statusTone(subscription.status)}>{statusLabel(subscription.status)}</Badge>{' '}
                  <span className="muted">
                    {subscription.interval === 'year' ? 'yearly' : 'monthly'}, {formatDate(subscription.current_period_start)} to{' '}
                    {formatDate(subscription.current_period_end)}
                    {subscription.cancel_at_period_end ? ', cancels at the end of the period' : ''}
                  </span>
                </>
              ) : (
                <span className="muted">None (trial or free)</span>
              )}
            </dd>
          </div>
          <div>
            <dt>Workspace</dt>
            <dd>
              {formatCredits(organization.member_count)} {organization.member_count === 1 ? 'member' : 'members'}, since{' '}
              {formatDate(organization.created_at)}, days in {detail.time_zone}
            </dd>
          </div>
        </dl>
      </Card>
      <Card title="Balance">
        <dl className="credit-stats credit-stats--compact">
          <div className="credit-stat">
            <dt>Available</dt>
            <dd className="credit-stat-value">{formatCredits(balance.available)}</dd>
            {balance.low_balance && <dd className="credit-stat-note">under the alert level</dd>}
          </div>
          <div className="credit-stat">
            <dt>Held</dt>
            <dd className="credit-stat-value">{formatCredits(balance.held)}</dd>
          </div>
          <div className="credit-stat">
            <dt>Used (30 days)</dt>
            <dd className="credit-stat-value">{formatCredits(organization.usage_30d)}</dd>
          </div>
        </dl>
        {balance.shortfall > 0 && <p className="credit-shortfall">{creditsLabel(balance.shortfall)} owed after a clawback.</p>}
        {balance.lots.length === 0 ? (
          <p className="muted">No lots with credits left.</p>
        ) : (
          <Table
            caption="Lots"
            head={
              <tr>
                <th scope="col">Lot</th>
                <th scope="col" className="cell-number">
                  Left
                </th>
                <th scope="col" className="cell-number">
                  Held
                </th>
                <th scope="col">Expires</th>
              </tr>
            }
          >
            {balance.lots.map((lot) => (
              <tr key={lot.id}>
                <td>
                  {LOT_SOURCE_LABELS[lot.source]} {lot.category === 'promotional' && <span className="cell-secondary">(promotional)</span>}
                  {lot.reason && <div className="cell-secondary">{lot.reason}</div>}
                </td>
                <td className="cell-number">
                  {formatCredits(lot.remaining)} <span className="cell-secondary">of {formatCredits(lot.amount)}</span>
                </td>
                <td className="cell-number">{formatCredits(lot.held)}</td>
                <td className="cell-nowrap">{lot.expires_at ? formatDate(lot.expires_at) : 'Never'}</td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
    </div>
  );
}

function Usage({ detail }: { detail: AdminOrganizationDetail }) {
  const { usage, usage_by_operation: byOperation } = detail;
  const bars = usage.series.map((point) => {
    const day = point.period_start ?? point.key ?? '';
    return { key: day, label: periodLabel(day, 'day'), shortLabel: periodLabel(day, 'day', true), values: { net: point.net } };
  });
  const operations = byOperation.series
    .filter((point) => point.net !== 0 || point.delivered !== 0)
    .map((point) => ({ key: point.key ?? 'other', label: point.label, value: point.net, detail: `${formatCredits(point.delivered)} delivered` }));
  const title = `Usage, ${formatDay(usage.from)} to ${formatDay(usage.to)}`;
  const quiet = usage.totals.net === 0 && usage.totals.failed === 0;
  return (
    <div className="grid grid--usage">
      <ChartCard
        title="Credits used per day"
        description={`${title}, ${creditsLabel(usage.totals.net)} in total.`}
        state={quiet ? <p className="muted chart-empty">No credits used in the last 30 days.</p> : undefined}
        chart={() => <StackedBarChart label="Credits used per day" bars={bars} stacks={[USED]} />}
        table={() => <StackedBarTable caption="Credits used per day" bars={bars} stacks={[USED]} periodHeading="Day" />}
      />
      <ChartCard
        title="By operation"
        description="The same 30 days."
        state={operations.length === 0 ? <p className="muted chart-empty">Nothing used.</p> : undefined}
        chart={() => <BarList label="Credits used by operation" rows={operations} color={USED.color} />}
        table={() => <RankedTable caption="Credits used by operation" heading="Operation" rows={operations} />}
      />
    </div>
  );
}

/** Platform admins: one workspace — plan, balance and lots, credits actions, support access, usage, ledger,
 * members, stores, and recent and failed jobs. */
export function OrganizationDetail({ organizationId }: { organizationId: string }) {
  const detail = useAdminOrganization(organizationId);
  if (detail.isPending) return <LoadingBlock label="Loading the workspace" />;
  if (detail.isError) {
    if (errorStatus(detail.error) === 404)
      return (
        <EmptyState
          title="No such workspace"
          description="It may have been deleted, or the link is wrong."
          action={<Link to="/admin">Back to all workspaces</Link>}
        />
      );
    return <ErrorState error={detail.error} what="the workspace" onRetry={() => void detail.refetch()} retrying={detail.isFetching} />;
  }
  const data = detail.data;
  const { organization } = data;
  return (
    <div className="stack stack--lg">
      <div className="admin-detail-head">
        <p className="breadcrumb">
          <Link to="/admin">All workspaces</Link> /
        </p>
        <h2 className="section-title admin-detail-title">{organization.name}</h2>
        <p className="muted">
          <span className="code-text">{organization.id}</span> ·{' '}
          <Link to={`/admin/audit?organization=${organization.id}`}>Its audit log</Link> ·{' '}
          <Link to={`/admin/jobs?organization=${organization.id}`}>Its failed jobs</Link>
        </p>
      </div>
      <Overview detail={data} />
      <div className="grid grid--2">
        <AdminCredits organization={organization} />
        <SupportAccessPanel organization={organization} grants={data.support_access} />
      </div>
      <Usage detail={data} />
      <Card title="Ledger" description="The latest 50 entries, newest first.">
        {data.ledger.length === 0 ? (
          <p className="muted">No credit movements yet.</p>
        ) : (
          <div className="credit-history">
            <CreditEntriesTable caption={`Ledger of ${organization.name}`} entries={data.ledger} selfId={null} />
          </div>
        )}
      </Card>
      <div className="grid grid--2">
        <Card title="Members">
          <Table
            caption="Members"
            head={
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
              </tr>
            }
          >
            {data.members.map((member) => (
              <tr key={member.user_id}>
                <td>
                  {member.name}
                  <div className="cell-secondary">{member.email}</div>
                </td>
                <td>{roleLabel(member.role)}</td>
                <td className="cell-nowrap">{formatDate(member.joined_at)}</td>
              </tr>
            ))}
          </Table>
        </Card>
        <Card title="Stores">
          {data.stores.length === 0 ? (
            <p className="muted">No stores connected.</p>
          ) : (
            <Table
              caption="Stores"
              head={
                <tr>
                  <th scope="col">Store</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last sync</th>
                </tr>
              }
            >
              {data.stores.map((store) => (
                <tr key={store.id}>
                  <td>
                    {store.shop_domain}
                    <div className="cell-secondary">{store.kind === 'shopify' ? 'Shopify' : 'WooCommerce'}</div>
                  </td>
                  <td>
                    <Badge tone={store.status === 'active' ? 'success' : store.status === 'error' ? 'danger' : 'neutral'}>{STORE_STATUS_LABELS[store.status]}</Badge>
                  </td>
                  <td className="cell-nowrap">{formatDateTime(store.last_synced_at, 'Never')}</td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
      </div>
      <Card title="Failed jobs" actions={<Link to={`/admin/jobs?organization=${organization.id}`}>Details and retry</Link>}>
        <JobsTable caption="Failed jobs" jobs={data.failed_jobs} />
      </Card>
      <Card title="Recent jobs">
        <JobsTable caption="Recent jobs" jobs={data.recent_jobs} />
      </Card>
    </div>
  );
}
