import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link } from 'react-router';

import { CloseIcon } from '@/components/icons';
import { Alert, Button, buttonClass, ErrorState } from '@/components/ui';
import type { AlertTone } from '@/components/ui/Alert';
import { cx } from '@/lib/cx';
import { formatDateTime } from '@/lib/format';
import { parseError } from '@/lib/problem';

import { importResult, invalidateAfterImport, isFinished, type Job, useCancelJob, useJob } from './hooks';

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

const STARTING: Job['progress'] = { done: 0, failed: 0, total: 0, percent: 0 };

function Bar({ progress }: { progress: Job['progress'] }) {
  const { done, failed, total, percent } = progress;
  const counting = total === 0;
  return (
    <div
      className={cx('import-bar', counting && 'import-bar--indeterminate')}
      role="progressbar"
      aria-label="Import progress"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={counting ? undefined : percent}
      aria-valuetext={counting ? 'Starting' : `${done + failed} of ${total} products`}
    >
      <div className="import-bar-fill" style={counting ? undefined : { width: `${percent}%` }} />
    </div>
  );
}

/** A running import; `job` is null while its first read is on its way. */
function Running({ job, canCancel }: { job: Job | null; canCancel: boolean }) {
  const cancel = useCancelJob();
  const progress = job?.progress ?? STARTING;
  const { done, failed, total } = progress;
  const line =
    job === null || job.status === 'queued'
      ? 'Waiting to start…'
      : total === 0
        ? 'Counting the products to import…'
        : `${done + failed} of ${plural(total, 'product')} imported${failed > 0 ? ` (${failed} failed)` : ''}`;
  return (
    <div className="import-running">
      <div className="import-head">
        <div>
          <p className="import-title">Importing products</p>
          <p className="import-line" aria-live="polite">
            {line}
          </p>
        </div>
        {canCancel && job && (
          <Button size="sm" variant="ghost" loading={cancel.isPending} onClick={() => cancel.mutate({ path: { job_id: job.id } })}>
            Cancel import
          </Button>
        )}
      </div>
      <Bar progress={progress} />
      <p className="import-hint">You can leave this page: the import keeps running and its result waits here.</p>
      {cancel.isError && <p className="form-error">{`Couldn't cancel: ${parseError(cancel.error).message}`}</p>}
    </div>
  );
}

interface FinishedProps {
  job: Job;
  onDismiss: () => void;
  onRetry?: () => void;
  retrying?: boolean;
}

function Finished({ job, onDismiss, onRetry, retrying }: FinishedProps) {
  const result = importResult(job);
  const imported = result.created + result.updated;
  const counts = [
    result.created > 0 && `${result.created} new`,
    result.updated > 0 && `${result.updated} updated`,
  ].filter(Boolean);
  const summary = `${plural(imported, 'product')} imported${counts.length ? ` (${counts.join(', ')})` : ''}, ${plural(result.images, 'photo')} added.`;
  const problems = [
    result.failed > 0 && `${plural(result.failed, 'product')} could not be imported.`,
    result.image_failures > 0 && `${plural(result.image_failures, 'photo')} could not be downloaded from the store.`,
  ].filter(Boolean);

  let tone: AlertTone = problems.length ? 'warning' : 'success';
  let title = 'Import finished';
  let text = (
    <>
      <p>{summary}</p>
      {problems.map((problem) => (
        <p key={String(problem)}>{problem}</p>
      ))}
    </>
  );
  let actions = (
    <Link to="/products?source=imported" className={buttonClass('primary', 'sm')}>
      View products
    </Link>
  );

  if (job.status === 'succeeded' && result.stopped === 'slot_limit') {
    tone = 'warning';
    title = 'Import stopped: no product slots left';
    text = (
      <>
        <p>
          {plural(imported, 'product')} imported before your plan's product slots ran out. Products that didn't fit were not
          imported.
        </p>
        <p>Change your plan for more slots, or archive products you don't need, then import the rest.</p>
      </>
    );
    actions = (
      <div className="button-row">
        <Link to="/products?source=imported" className={buttonClass('secondary', 'sm')}>
          View products
        </Link>
        <Link to="/billing" className={buttonClass('primary', 'sm')}>
          Change plan
        </Link>
      </div>
    );
  } else if (job.status === 'failed') {
    tone = 'error';
    title = 'Import failed';
    text = (
      <>
        <p>{job.error?.message || 'The store stopped answering.'}</p>
        <p>
          {imported > 0 ? `${plural(imported, 'product')} imported before it stopped stay in your catalog. ` : ''}Try again to
          import the rest.
        </p>
      </>
    );
    actions = onRetry ? (
      <Button size="sm" onClick={onRetry} loading={retrying}>
        Try again
      </Button>
    ) : (
      <></>
    );
  } else if (job.status === 'canceled') {
    tone = 'info';
    title = 'Import canceled';
    text = <p>{imported > 0 ? `${plural(imported, 'product')} imported before it stopped.` : 'Nothing was imported.'}</p>;
  }

  return (
    <Alert
      tone={tone}
      title={title}
      className="import-result"
      actions={
        <div className="import-result-actions">
          {actions}
          <button type="button" className="icon-button import-dismiss" aria-label="Dismiss the import result" onClick={onDismiss}>
            <CloseIcon />
          </button>
        </div>
      }
    >
      {text}
      {job.finished_at && <p className="import-when">Finished {formatDateTime(job.finished_at)}</p>}
    </Alert>
  );
}

interface ImportProgressProps {
  jobId: string;
  canCancel: boolean;
  onDismiss: () => void;
  onRetry?: (job: Job) => void;
  retrying?: boolean;
}

/** A store import: a live progress bar while it runs, then what it did. */
export function ImportProgress({ jobId, canCancel, onDismiss, onRetry, retrying }: ImportProgressProps) {
  const queryClient = useQueryClient();
  const job = useJob(jobId);
  const finished = isFinished(job.data?.status);

  // The catalog, slots and "Imported" badges change once the job is done.
  useEffect(() => {
    if (finished) void invalidateAfterImport(queryClient);
  }, [finished, queryClient]);

  if (job.isSuccess && finished)
    return <Finished job={job.data} onDismiss={onDismiss} onRetry={onRetry && (() => onRetry(job.data))} retrying={retrying} />;

  let body;
  if (job.isPending) body = <Running job={null} canCancel={false} />;
  else if (job.isError)
    body = <ErrorState error={job.error} what="the import's progress" onRetry={() => void job.refetch()} retrying={job.isFetching} />;
  else body = <Running job={job.data} canCancel={canCancel} />;
  return (
    <section className="card import-card" aria-label="Import">
      {body}
    </section>
  );
}
