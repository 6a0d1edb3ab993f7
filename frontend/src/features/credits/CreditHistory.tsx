import { type FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router';

import { ChartIcon } from '@/components/icons';
import { Badge, type BadgeTone, Button, EmptyState, ErrorState, FormError, LoadingBlock, SelectField, Table, TextField } from '@/components/ui';
import { useSession } from '@/features/auth/session';
import { formatDateTime } from '@/lib/format';
import { parseError } from '@/lib/problem';

import {
  ACTOR_LABELS,
  type CreditEntry,
  ENTRY_TYPE_LABELS,
  ENTRY_TYPES,
  type EntryFilters,
  type EntryType,
  fetchCreditEntriesCsv,
  formatCredits,
  saveTextFile,
  signed,
  useCreditEntries,
} from './hooks';
import { DownloadIcon } from './icons';

const TYPE_TONES: Record<EntryType, BadgeTone> = {
  grant: 'success',
  hold: 'neutral',
  capture: 'accent',
  release: 'neutral',
  refund: 'success',
  expire: 'warning',
  adjust: 'warning',
  clawback: 'danger',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isEntryType(value: string | null): value is EntryType {
  return value !== null && (ENTRY_TYPES as readonly string[]).includes(value);
}

/** A day picked in the browser's time zone as the instant it starts (the API wants a time zone). */
function startOfDay(day: string, plusDays = 0): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + plusDays).toISOString();
}

/** The URL's filters as API query parameters ("to" is inclusive for people, exclusive for the API). */
function filtersOf(params: URLSearchParams): EntryFilters {
  const type = params.get('type');
  const from = params.get('from');
  const to = params.get('to');
  const job = params.get('job');
  return {
    ...(isEntryType(type) ? { type: [type] } : {}),
    ...(from && DATE.test(from) ? { from: startOfDay(from) } : {}),
    ...(to && DATE.test(to) ? { to: startOfDay(to, 1) } : {}),
    ...(job && UUID.test(job) ? { job_id: job } : {}),
  };
}

function shortId(id: string): string {
  return id.slice(0, 8);
}

function Actor({ entry, selfId }: { entry: CreditEntry; selfId: string | null }) {
  const { actor } = entry;
  if (actor.type === 'user' && actor.user_id === selfId) return <>You</>;
  return <>{ACTOR_LABELS[actor.type]}</>;
}

function Correlation({ entry }: { entry: CreditEntry }) {
  if (entry.job_id)
    return (
      <span className="cell-secondary" title={entry.job_id}>
        Job {shortId(entry.job_id)}
        {entry.item_key ? ` · ${entry.item_key}` : ''}
      </span>
    );
  if (entry.reference)
    return (
      <span className="cell-secondary" title={entry.reference}>
        {entry.reference}
      </span>
    );
  return <span className="cell-secondary">—</span>;
}

function EntryRow({ entry, selfId }: { entry: CreditEntry; selfId: string | null }) {
  return (
    <tr>
      <td className="cell-nowrap" data-label="Date">
        {formatDateTime(entry.created_at)}
      </td>
      <td data-label="Type">
        <Badge tone={TYPE_TONES[entry.type]}>{ENTRY_TYPE_LABELS[entry.type]}</Badge>
      </td>
      <td className="cell-number" data-label="Amount">
        <span className={entry.amount < 0 ? 'amount-negative' : entry.amount > 0 ? 'amount-positive' : undefined}>
          {signed(entry.amount)}
        </span>
        {entry.held_delta !== 0 && <div className="cell-secondary">held {signed(entry.held_delta)}</div>}
      </td>
      <td className="cell-number" data-label="Available after">
        {formatCredits(entry.available_after)}
        {entry.held_after > 0 && <div className="cell-secondary">{formatCredits(entry.held_after)} held</div>}
      </td>
      <td data-label="Reason">
        <div>{entry.reason || ENTRY_TYPE_LABELS[entry.type]}</div>
        <div className="cell-secondary">
          <Actor entry={entry} selfId={selfId} />
        </div>
      </td>
      <td data-label="Job or reference">
        <Correlation entry={entry} />
      </td>
    </tr>
  );
}

/** Ledger entries, newest first: what moved, the balance after, the reason and who, and the job it was for.
 * `selfId` names the viewer's own entries "You". */
export function CreditEntriesTable({ caption, entries, selfId }: { caption: string; entries: readonly CreditEntry[]; selfId: string | null }) {
  return (
    <Table
      caption={caption}
      head={
        <tr>
          <th scope="col">Date</th>
          <th scope="col">Type</th>
          <th scope="col" className="cell-number">
            Amount
          </th>
          <th scope="col" className="cell-number">
            Available after
          </th>
          <th scope="col">Reason and who</th>
          <th scope="col">Job or reference</th>
        </tr>
      }
    >
      {entries.map((entry) => (
        <EntryRow key={entry.id} entry={entry} selfId={selfId} />
      ))}
    </Table>
  );
}

/** The workspace's credit ledger: filters (kept in the URL), newest first, a page at a time, and CSV export. */
export function CreditHistory() {
  const me = useSession();
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const entries = useCreditEntries(filters);
  const rows = entries.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Object.keys(filters).length > 0;

  const [jobDraft, setJobDraft] = useState(params.get('job') ?? '');
  const [jobError, setJobError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);

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

  const applyJob = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = jobDraft.trim();
    if (value && !UUID.test(value)) {
      setJobError('Enter a job id like 0190d6c2-…, as shown on the job.');
      return;
    }
    setJobError(null);
    update({ job: value || null });
  };

  const clear = () => {
    setJobDraft('');
    setJobError(null);
    update({ type: null, from: null, to: null, job: null });
  };

  const download = async () => {
    setExporting(true);
    setExportError(null);
    try {
      const csv = await fetchCreditEntriesCsv(filters);
      saveTextFile(csv, 'credit-history.csv');
    } catch (error) {
      setExportError(parseError(error).message);
    } finally {
      setExporting(false);
    }
  };

  let body;
  if (entries.isPending) body = <LoadingBlock label="Loading credit history" />;
  else if (entries.isError && rows.length === 0)
    body = (
      <ErrorState error={entries.error} what="the credit history" onRetry={() => void entries.refetch()} retrying={entries.isFetching} />
    );
  else if (rows.length === 0)
    body = filtered ? (
      <EmptyState title="No entries match" description="Try another type or dates, or clear the filters." action={<Button onClick={clear}>Clear filters</Button>} />
    ) : (
      <EmptyState icon={<ChartIcon />} title="No credit movements yet" description="Grants, charges and refunds appear here as they happen." />
    );
  else
    body = (
      <div className="credit-history">
        <CreditEntriesTable caption="Credit history" entries={rows} selfId={me.user.id} />
        {entries.hasNextPage && (
          <div className="list-more">
            <Button onClick={() => void entries.fetchNextPage()} loading={entries.isFetchingNextPage}>
              Load more
            </Button>
          </div>
        )}
        {entries.isFetchNextPageError && (
          <ErrorState error={entries.error} what="more entries" onRetry={() => void entries.fetchNextPage()} />
        )}
      </div>
    );

  return (
    <section className="card" aria-label="Credit history">
      <div className="credit-filters" role="search" aria-label="Filter the credit history">
        <SelectField
          label="Type"
          className="credit-filter"
          value={params.get('type') ?? ''}
          onChange={(event) => update({ type: event.target.value || null })}
        >
          <option value="">All types</option>
          {ENTRY_TYPES.map((type) => (
            <option key={type} value={type}>
              {ENTRY_TYPE_LABELS[type]}
            </option>
          ))}
        </SelectField>
        <TextField
          label="From"
          type="date"
          className="credit-filter"
          value={params.get('from') ?? ''}
          max={params.get('to') ?? undefined}
          onChange={(event) => update({ from: event.target.value || null })}
        />
        <TextField
          label="To"
          type="date"
          className="credit-filter"
          value={params.get('to') ?? ''}
          min={params.get('from') ?? undefined}
          onChange={(event) => update({ to: event.target.value || null })}
        />
        <form className="credit-filter credit-filter--job" onSubmit={applyJob} noValidate aria-label="Filter by job">
          <TextField
            label="Job id"
            value={jobDraft}
            placeholder="Paste a job id"
            autoComplete="off"
            spellCheck={false}
            error={jobError}
            onChange={(event) => setJobDraft(event.target.value)}
          />
          <Button type="submit">Apply</Button>
        </form>
        <div className="credit-filter-actions">
          {filtered && (
            <Button variant="ghost" onClick={clear}>
              Clear
            </Button>
          )}
          <Button onClick={() => void download()} loading={exporting}>
            <DownloadIcon /> Download CSV
          </Button>
        </div>
      </div>
      <FormError message={exportError ? `Couldn't export: ${exportError}` : null} />
      {body}
    </section>
  );
}
