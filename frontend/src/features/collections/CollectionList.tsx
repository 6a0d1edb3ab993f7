import { Link } from 'react-router';

import { Badge, Button, buttonClass, EmptyState, ErrorState, LoadingBlock, Spinner, Table } from '@/components/ui';
import { useSession } from '@/features/auth/session';
import { useJob } from '@/features/stores/hooks';
import { formatDate } from '@/lib/format';
import { canWrite } from '@/lib/roles';

import { lastRunSummary } from './collections';
import { type CollectionSummary, useCollection, useCollectionPages } from './hooks';
import { StackIcon } from './icons';

/** The workspace's collections, a page at a time: name, products, how the last run went, when it was made. */
export function CollectionList() {
  const me = useSession();
  const pages = useCollectionPages();
  const rows = pages.data?.pages.flatMap((page) => page.items) ?? [];

  if (pages.isPending) return <LoadingBlock label="Loading collections" />;
  if (pages.isError)
    return <ErrorState error={pages.error} what="collections" onRetry={() => void pages.refetch()} retrying={pages.isFetching} />;
  if (rows.length === 0)
    return (
      <section className="card">
        <EmptyState
          icon={<StackIcon />}
          title="No collections yet"
          description="A collection stages many products at once: one look for all of them, a section per category, one click to generate every image."
          action={
            canWrite(me.role) ? (
              <Link to="/studio/collections/new" className={buttonClass('primary')}>
                New collection
              </Link>
            ) : undefined
          }
        />
      </section>
    );
  return (
    <section className="card">
      <Table
        caption="Collections"
        head={
          <tr>
            <th scope="col">Collection</th>
            <th scope="col" className="cell-number">
              Products
            </th>
            <th scope="col">Last run</th>
            <th scope="col">Created</th>
          </tr>
        }
      >
        {rows.map((summary) => (
          <CollectionRow key={summary.id} summary={summary} />
        ))}
      </Table>
      {pages.hasNextPage && (
        <div className="list-more">
          <Button onClick={() => void pages.fetchNextPage()} loading={pages.isFetchingNextPage}>
            Load more
          </Button>
        </div>
      )}
    </section>
  );
}

function CollectionRow({ summary }: { summary: CollectionSummary }) {
  // The list answers without product counts or run states; each row reads them (and shares them with the detail page).
  const collection = useCollection(summary.id);
  const job = useJob(summary.last_job_id);
  const count = collection.data?.flows.length;
  let lastRun;
  if (summary.last_job_id === null) lastRun = <span className="muted">Not generated yet</span>;
  else if (job.data) {
    const run = lastRunSummary(job.data);
    lastRun = (
      <span className="cell-inline">
        <Badge tone={run.tone}>{run.label}</Badge>
        <span className="cell-secondary">{run.detail}</span>
      </span>
    );
  } else if (job.isError) lastRun = <span className="muted">Unknown</span>;
  else lastRun = <Spinner label="Loading the last run" size="sm" />;
  return (
    <tr>
      <td>
        <Link to={`/studio/collections/${summary.id}`} className="cell-primary">
          {summary.name}
        </Link>
        {summary.description && <p className="cell-secondary collection-row-description">{summary.description}</p>}
      </td>
      <td className="cell-number">
        {count !== undefined ? count.toLocaleString() : collection.isError ? '—' : <Spinner label="Counting products" size="sm" />}
      </td>
      <td>{lastRun}</td>
      <td className="cell-nowrap">{formatDate(summary.created_at)}</td>
    </tr>
  );
}
