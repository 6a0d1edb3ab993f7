import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router';

import { Badge, Button, Card, EmptyState, ErrorState, FormError, LoadingBlock, TextField } from '@/components/ui';
import { formatDateTime } from '@/lib/format';

import { type AuditEntry, type AuditFilters, useAdminAuditLog } from './hooks';
import { prettyJson, shortId } from './labels';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
/** Actions admins look for most; any prefix works ("credits." finds grants and adjustments). */
const ACTIONS = ['credits.', 'credits.grant', 'credits.adjust', 'jobs.retry_failed_items', 'support_access.', 'usage.settings.update'];

type Draft = { actor: string; organization: string; action: string; from: string; to: string };
type DraftErrors = Partial<Record<keyof Draft, string>>;

/** A `datetime-local` value (the admin's own time) as an instant the API accepts, or null when it is not one. */
function instant(local: string): string | null {
  if (!local) return null;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function check(draft: Draft): DraftErrors {
  const errors: DraftErrors = {};
  const actor = draft.actor.trim();
  if (actor && !UUID.test(actor) && !EMAIL.test(actor)) errors.actor = 'Enter an email address or a user id.';
  if (draft.organization.trim() && !UUID.test(draft.organization.trim())) errors.organization = 'Enter a workspace id.';
  const from = instant(draft.from);
  const to = instant(draft.to);
  if (draft.from && !from) errors.from = 'Pick a date and time.';
  if (draft.to && !to) errors.to = 'Pick a date and time.';
  if (from && to && from > to) errors.to = 'Must be after “From”.';
  return errors;
}

function filtersOf(params: URLSearchParams): AuditFilters {
  const actor = params.get('actor')?.trim() ?? '';
  const organization = params.get('organization')?.trim() ?? '';
  const action = params.get('action')?.trim() ?? '';
  const from = instant(params.get('from') ?? '');
  const to = instant(params.get('to') ?? '');
  return {
    ...(UUID.test(actor) ? { actor_user_id: actor } : EMAIL.test(actor) ? { actor_email: actor } : {}),
    ...(UUID.test(organization) ? { organization_id: organization } : {}),
    ...(action ? { action } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}

function display(value: unknown): string {
  if (value === undefined) return '—';
  if (value === null) return 'null';
  return typeof value === 'string' ? value : prettyJson(value);
}

/** What an admin write changed: every key of before and after, the changed ones marked. */
function Changes({ entry }: { entry: AuditEntry }) {
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  if (keys.length === 0) return <span className="muted">No values recorded.</span>;
  return (
    <table className="audit-changes">
      <caption className="visually-hidden">Before and after</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {keys.map((key) => {
          const was = display(before[key]);
          const now = display(after[key]);
          const changed = was !== now;
          return (
            <tr key={key} className={changed ? 'audit-changed' : undefined}>
              <th scope="row">
                {key}
                {changed && <span className="visually-hidden"> (changed)</span>}
              </th>
              <td>
                <code>{was}</code>
              </td>
              <td>
                <code>{now}</code>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Entry({ entry, onFilter }: { entry: AuditEntry; onFilter: (changes: Partial<Draft>) => void }) {
  return (
    <li className="audit-entry">
      <div className="audit-entry-head">
        <Badge tone="accent">{entry.action}</Badge>
        <span className="muted cell-nowrap">{formatDateTime(entry.created_at)}</span>
      </div>
      <p className="audit-entry-who">
        {entry.actor_user_id ? (
          <button type="button" className="link-button" onClick={() => onFilter({ actor: entry.actor_email ?? entry.actor_user_id ?? '' })} title="Only this actor">
            {entry.actor_email ?? shortId(entry.actor_user_id)}
          </button>
        ) : (
          <span>{entry.actor_api_key_id ? `API key ${shortId(entry.actor_api_key_id)}` : 'System'}</span>
        )}
        {entry.organization_id && (
          <>
            {' in '}
            <Link to={`/admin/organizations/${entry.organization_id}`}>{entry.organization_name ?? shortId(entry.organization_id)}</Link>{' '}
            <button type="button" className="link-button" onClick={() => onFilter({ organization: entry.organization_id ?? '' })}>
              (only this workspace)
            </button>
          </>
        )}
        <span className="muted">
          {' '}
          · {entry.target_type}
          {entry.target_id ? ` ${shortId(entry.target_id)}` : ''}
        </span>
      </p>
      <Changes entry={entry} />
    </li>
  );
}

/** Platform admins: the audit log, newest first, filtered by actor, workspace, action and time; each entry with
 * its before and after values. Filters live in the URL. */
export function AuditLog() {
  const [params, setParams] = useSearchParams();
  const read = (): Draft => ({
    actor: params.get('actor') ?? '',
    organization: params.get('organization') ?? '',
    action: params.get('action') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  });
  const [draft, setDraft] = useState<Draft>(read);
  const [errors, setErrors] = useState<DraftErrors>({});
  const filters = filtersOf(params);
  const log = useAdminAuditLog(filters);
  const rows = log.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Object.keys(filters).length > 0;

  const apply = (next: Draft) => {
    const found = check(next);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(next)) if (value.trim()) search.set(key, value.trim());
    setParams(search, { replace: true });
  };
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    apply(draft);
  };
  const filterBy = (changes: Partial<Draft>) => {
    const next = { ...draft, ...changes };
    setDraft(next);
    apply(next);
  };
  const field = (key: keyof Draft) => ({
    value: draft[key],
    error: errors[key],
    onChange: (event: { target: { value: string } }) => setDraft((current) => ({ ...current, [key]: event.target.value })),
  });

  let body;
  if (log.isPending) body = <LoadingBlock label="Loading the audit log" />;
  else if (log.isError && rows.length === 0) body = <ErrorState error={log.error} what="the audit log" onRetry={() => void log.refetch()} retrying={log.isFetching} />;
  else if (rows.length === 0)
    body = <EmptyState title={filtered ? 'No entries match' : 'No audit entries yet'} description={filtered ? 'Try other filters, or clear them.' : undefined} />;
  else
    body = (
      <>
        <ol className="audit-list" aria-label="Audit log">
          {rows.map((entry) => (
            <Entry key={entry.id} entry={entry} onFilter={filterBy} />
          ))}
        </ol>
        {log.hasNextPage && (
          <div className="list-more">
            <Button onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage}>
              Load more
            </Button>
          </div>
        )}
      </>
    );

  return (
    <Card>
      <form className="admin-filters" role="search" aria-label="Filter the audit log" onSubmit={onSubmit} noValidate>
        <TextField label="Actor" className="admin-filter" placeholder="Email or user id" autoComplete="off" {...field('actor')} />
        <TextField label="Workspace id" className="admin-filter" autoComplete="off" spellCheck={false} {...field('organization')} />
        <TextField label="Action" className="admin-filter" placeholder="e.g. credits." list="audit-actions" autoComplete="off" {...field('action')} hint="An action or its start." />
        <datalist id="audit-actions">
          {ACTIONS.map((action) => (
            <option key={action} value={action} />
          ))}
        </datalist>
        <TextField label="From" type="datetime-local" className="admin-filter" {...field('from')} />
        <TextField label="To" type="datetime-local" className="admin-filter" {...field('to')} />
        <div className="admin-filter-actions">
          <Button type="submit" variant="primary">
            Apply
          </Button>
          {filtered && (
            <Button
              variant="ghost"
              onClick={() => {
                setDraft({ actor: '', organization: '', action: '', from: '', to: '' });
                setErrors({});
                setParams(new URLSearchParams(), { replace: true });
              }}
            >
              Clear
            </Button>
          )}
        </div>
      </form>
      <FormError message={log.isError && rows.length > 0 ? 'Couldn’t load more entries.' : null} />
      {body}
    </Card>
  );
}
