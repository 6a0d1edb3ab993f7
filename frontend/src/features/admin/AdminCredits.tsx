import { useEffect, useState } from 'react';

import { Badge, Button, Card, EmptyState, ErrorState, Input, LoadingBlock } from '@/components/ui';
import { cx } from '@/lib/cx';
import { formatDate } from '@/lib/format';

import { CreditActionForm } from './CreditActionForm';
import { type AdminOrganization, useAdminOrganizations } from './hooks';

function useDebounced<T>(value: T, delay = 300): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return debounced;
}

function OrganizationPicker({
  selected,
  onSelect,
}: {
  selected: AdminOrganization | null;
  onSelect: (organization: AdminOrganization) => void;
}) {
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim());
  const organizations = useAdminOrganizations(q);
  const rows = organizations.data?.pages.flatMap((page) => page.items) ?? [];

  let body;
  if (organizations.isPending) body = <LoadingBlock label="Searching workspaces" />;
  else if (organizations.isError)
    body = (
      <ErrorState
        error={organizations.error}
        what="workspaces"
        onRetry={() => void organizations.refetch()}
        retrying={organizations.isFetching}
      />
    );
  else if (rows.length === 0)
    body = <EmptyState title="No workspaces match" description="Search by workspace name or by a member's email address." />;
  else
    body = (
      <>
        <ul className="admin-org-list" aria-label="Workspaces">
          {rows.map((organization) => {
            const active = selected?.id === organization.id;
            return (
              <li key={organization.id}>
                <button
                  type="button"
                  className={cx('admin-org', active && 'admin-org--active')}
                  aria-pressed={active}
                  onClick={() => onSelect(organization)}
                >
                  <span className="admin-org-name">{organization.name}</span>
                  <span className="admin-org-meta">
                    {organization.member_count} {organization.member_count === 1 ? 'member' : 'members'} · since{' '}
                    {formatDate(organization.created_at)}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
        {organizations.hasNextPage && (
          <div className="list-more">
            <Button onClick={() => void organizations.fetchNextPage()} loading={organizations.isFetchingNextPage}>
              Load more
            </Button>
          </div>
        )}
      </>
    );

  return (
    <Card title="Find a workspace" description="By workspace name or a member's email.">
      <div className="toolbar" role="search">
        <Input
          className="toolbar-search"
          type="search"
          placeholder="Name or email"
          aria-label="Search workspaces"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
      </div>
      {body}
    </Card>
  );
}

/** Platform admins: find a workspace, then grant or adjust its credits (with a reason, after confirming). */
export function AdminCredits() {
  const [selected, setSelected] = useState<AdminOrganization | null>(null);
  const [mode, setMode] = useState<'grant' | 'adjust'>('grant');

  return (
    <div className="admin-layout">
      <OrganizationPicker selected={selected} onSelect={setSelected} />
      <Card
        title={selected ? selected.name : 'Credits'}
        description={selected ? <span className="code-input">{selected.id}</span> : undefined}
        actions={selected && <Badge>{`${selected.member_count} ${selected.member_count === 1 ? 'member' : 'members'}`}</Badge>}
      >
        {selected ? (
          <>
            <div className="segmented" role="group" aria-label="Action">
              <button
                type="button"
                className={cx('segmented-item', mode === 'grant' && 'segmented-item--active')}
                aria-pressed={mode === 'grant'}
                onClick={() => setMode('grant')}
              >
                Grant
              </button>
              <button
                type="button"
                className={cx('segmented-item', mode === 'adjust' && 'segmented-item--active')}
                aria-pressed={mode === 'adjust'}
                onClick={() => setMode('adjust')}
              >
                Adjust
              </button>
            </div>
            <p className="muted admin-mode-note">
              {mode === 'grant'
                ? 'A grant adds a promotional lot (used before paid credits), optionally expiring.'
                : 'An adjustment corrects the balance up or down, e.g. after a support case.'}
            </p>
            <CreditActionForm key={`${selected.id}-${mode}`} mode={mode} organization={selected} />
          </>
        ) : (
          <EmptyState title="Pick a workspace" description="Search on the left, then choose a workspace to grant or adjust its credits." />
        )}
      </Card>
    </div>
  );
}
