import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';

import { Badge, Button, Card, EmptyState, ErrorState, Input, LoadingBlock, SelectField, Table } from '@/components/ui';
import { usePlans } from '@/features/billing/hooks';
import { statusLabel, statusTone } from '@/features/billing/plans';
import { formatCredits } from '@/features/credits/hooks';
import { formatDate } from '@/lib/format';

import { type OrganizationFilters, useAdminOrganizations } from './hooks';
import { shortId, SUBSCRIPTION_STATUSES } from './labels';

const SORTS = {
  'created-desc': 'Newest first',
  'created-asc': 'Oldest first',
  'name-asc': 'Name, A to Z',
  'usage-desc': 'Most used (30 days)',
  'usage-asc': 'Least used (30 days)',
  'balance-desc': 'Highest balance',
  'balance-asc': 'Lowest balance',
} as const;
type SortKey = keyof typeof SORTS;

function isSort(value: string | null): value is SortKey {
  return value !== null && value in SORTS;
}

function useDebounced<T>(value: T, delay = 300): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return debounced;
}

/** Platform admins: every workspace, searched by name, member email or store domain, filtered and sorted. */
export function OrganizationsList() {
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(params.get('q') ?? '');
  const q = useDebounced(search.trim());
  const plans = usePlans();
  const sortKey: SortKey = isSort(params.get('sort')) ? (params.get('sort') as SortKey) : 'created-desc';
  const [sort, order] = sortKey.split('-') as [NonNullable<OrganizationFilters['sort']>, 'asc' | 'desc'];
  const plan = params.get('plan') ?? '';
  const status = params.get('status') ?? '';
  const filters: OrganizationFilters = { sort, order, ...(q ? { q } : {}), ...(plan ? { plan } : {}), ...(status ? { subscription_status: status } : {}) };
  const organizations = useAdminOrganizations(filters);
  const rows = organizations.data?.pages.flatMap((page) => page.items) ?? [];
  const planNames = new Map((plans.data?.items ?? []).map((p) => [p.code, p.name]));

  const update = (changes: Record<string, string | null>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(changes)) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        return next;
      },
      { replace: true },
    );

  // The search box writes to the URL once typing pauses, so the list and the address agree.
  useEffect(() => {
    if ((params.get('q') ?? '') !== q) update({ q: q || null });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only the settled search text matters here
  }, [q]);

  const filtered = Boolean(q || plan || status);
  let body;
  if (organizations.isPending) body = <LoadingBlock label="Searching workspaces" />;
  else if (organizations.isError && rows.length === 0)
    body = (
      <ErrorState error={organizations.error} what="workspaces" onRetry={() => void organizations.refetch()} retrying={organizations.isFetching} />
    );
  else if (rows.length === 0)
    body = (
      <EmptyState
        title={filtered ? 'No workspaces match' : 'No workspaces yet'}
        description={filtered ? 'Search by workspace name, a member’s email or a store domain, or clear the filters.' : undefined}
        action={
          filtered && (
            <Button
              onClick={() => {
                setSearch('');
                update({ q: null, plan: null, status: null });
              }}
            >
              Clear filters
            </Button>
          )
        }
      />
    );
  else
    body = (
      <>
        <Table
          caption="Workspaces"
          head={
            <tr>
              <th scope="col">Workspace</th>
              <th scope="col">Plan</th>
              <th scope="col">Subscription</th>
              <th scope="col" className="cell-number">
                Members
              </th>
              <th scope="col" className="cell-number">
                Available
              </th>
              <th scope="col" className="cell-number">
                Used (30 days)
              </th>
              <th scope="col">Created</th>
            </tr>
          }
        >
          {rows.map((organization) => (
            <tr key={organization.id}>
              <td>
                <Link to={`/admin/organizations/${organization.id}`} className="cell-primary">
                  {organization.name}
                </Link>
                <div className="cell-secondary code-text">{shortId(organization.id)}</div>
              </td>
              <td>{planNames.get(organization.plan_code) ?? organization.plan_code}</td>
              <td>
                {organization.subscription_status ? (
                  <Badge tone={statusTone(organization.subscription_status)}>{statusLabel(organization.subscription_status)}</Badge>
                ) : (
                  <span className="muted">None</span>
                )}
              </td>
              <td className="cell-number">{formatCredits(organization.member_count)}</td>
              <td className="cell-number">{formatCredits(organization.available)}</td>
              <td className="cell-number">{formatCredits(organization.usage_30d)}</td>
              <td className="cell-nowrap">{formatDate(organization.created_at)}</td>
            </tr>
          ))}
        </Table>
        {organizations.hasNextPage && (
          <div className="list-more">
            <Button onClick={() => void organizations.fetchNextPage()} loading={organizations.isFetchingNextPage}>
              Load more
            </Button>
          </div>
        )}
        {organizations.isFetchNextPageError && <ErrorState error={organizations.error} what="more workspaces" onRetry={() => void organizations.fetchNextPage()} />}
      </>
    );

  return (
    <Card>
      <div className="admin-filters" role="search" aria-label="Find a workspace">
        <div className="field admin-filter-search">
          <label className="field-label" htmlFor="admin-org-search">
            Search
          </label>
          <Input
            id="admin-org-search"
            type="search"
            placeholder="Name, member email or store domain"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </div>
        <SelectField label="Plan" className="admin-filter" value={plan} onChange={(event) => update({ plan: event.target.value || null })}>
          <option value="">All plans</option>
          {(plans.data?.items ?? []).map((p) => (
            <option key={p.code} value={p.code}>
              {p.name}
            </option>
          ))}
          {plan && !planNames.has(plan) && <option value={plan}>{plan}</option>}
        </SelectField>
        <SelectField label="Subscription" className="admin-filter" value={status} onChange={(event) => update({ status: event.target.value || null })}>
          <option value="">Any status</option>
          {SUBSCRIPTION_STATUSES.map((value) => (
            <option key={value} value={value}>
              {statusLabel(value)}
            </option>
          ))}
        </SelectField>
        <SelectField label="Sort by" className="admin-filter" value={sortKey} onChange={(event) => update({ sort: event.target.value })}>
          {(Object.keys(SORTS) as SortKey[]).map((key) => (
            <option key={key} value={key}>
              {SORTS[key]}
            </option>
          ))}
        </SelectField>
      </div>
      {body}
    </Card>
  );
}
