import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router';

import { Alert, Badge, Button, Card, Dialog, EmptyState, ErrorState, Field, LoadingBlock, Textarea } from '@/components/ui';
import { creditsLabel, formatCredits } from '@/features/credits/hooks';
import { formatDateTime } from '@/lib/format';
import { parseError } from '@/lib/problem';

import { type AdminJob, useAdminFailedJobs, useAdminRetryFailedItems } from './hooks';
import { JOB_KIND_LABELS, JOB_STATUS_LABELS, JOB_STATUS_TONES, prettyJson, shortId } from './labels';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Re-run a job's failed items as a new job with its own hold: a reason, a confirmation, the server's answer. */
function RetryDialog({ job, onClose }: { job: AdminJob; onClose: () => void }) {
  const retry = useAdminRetryFailedItems();
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const credits = job.failed_items.reduce((sum, item) => sum + item.credits, 0);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!reason.trim()) {
      setReasonError('Say why: it is kept in the audit log.');
      return;
    }
    setReasonError(null);
    retry.mutate({ path: { job_id: job.id }, body: { reason: reason.trim() } });
  };

  const failed = job.failed_items.length;
  return (
    <Dialog
      open
      title={`Retry ${failed} failed ${failed === 1 ? 'item' : 'items'}?`}
      description={
        <p>
          A new job for {job.organization_name} re-runs only the failed items. It holds up to {creditsLabel(credits)} and
          charges only what is delivered; the items that succeeded are not touched.
        </p>
      }
      onClose={onClose}
      dismissible={!retry.isPending}
    >
      {retry.isSuccess ? (
        <>
          <Alert tone="success" title="Retry queued">
            Job <span className="code-text">{shortId(retry.data.job.id)}</span> re-runs {retry.data.retried_items}{' '}
            {retry.data.retried_items === 1 ? 'item' : 'items'}, holding {creditsLabel(retry.data.credits_held)}.
          </Alert>
          <div className="dialog-footer">
            <Button variant="primary" onClick={onClose} data-autofocus>
              Done
            </Button>
          </div>
        </>
      ) : (
        <form className="form" onSubmit={onSubmit} noValidate aria-label="Retry failed items">
          <fieldset className="form-fieldset" disabled={retry.isPending}>
            <Field label="Reason" error={reasonError} hint="Kept in the audit log, e.g. “provider outage, ticket 481”.">
              {(control) => <Textarea {...control} rows={2} maxLength={500} value={reason} onChange={(event) => setReason(event.target.value)} />}
            </Field>
            {retry.isError && <Alert tone="error">{parseError(retry.error).message}</Alert>}
            <div className="dialog-footer">
              <Button onClick={onClose} disabled={retry.isPending}>
                Cancel
              </Button>
              <Button type="submit" variant="primary" loading={retry.isPending}>
                Retry failed items
              </Button>
            </div>
          </fieldset>
        </form>
      )}
    </Dialog>
  );
}

function JobCard({ job, onRetry }: { job: AdminJob; onRetry: () => void }) {
  const failed = job.failed_items.length;
  return (
    <li className="admin-job">
      <div className="admin-job-head">
        <div>
          <p className="admin-job-title">
            {JOB_KIND_LABELS[job.kind]} · <Link to={`/admin/organizations/${job.organization_id}`}>{job.organization_name || shortId(job.organization_id)}</Link>
          </p>
          <p className="muted admin-job-meta">
            <span className="code-text">{job.id}</span> · {formatDateTime(job.created_at)} · provider {job.provider ?? 'default'} · attempt{' '}
            {job.attempts} of {job.max_attempts} · {formatCredits(job.progress_done)} of {formatCredits(job.progress_total)} done
          </p>
        </div>
        <div className="button-row">
          <Badge tone={JOB_STATUS_TONES[job.status]}>{JOB_STATUS_LABELS[job.status]}</Badge>
          {job.retried_by_job_id ? (
            <span className="muted">Retried as {shortId(job.retried_by_job_id)}</span>
          ) : (
            failed > 0 &&
            job.status !== 'queued' &&
            job.status !== 'running' && (
              <Button size="sm" onClick={onRetry}>
                Retry failed items
              </Button>
            )
          )}
        </div>
      </div>
      {job.error_message && (
        <p className="admin-job-error">
          <strong>{job.error_code ?? 'Error'}:</strong> {job.error_message}
        </p>
      )}
      {failed > 0 && (
        <details className="admin-job-items">
          <summary>
            {failed} failed {failed === 1 ? 'item' : 'items'}: error, prompt and settings
          </summary>
          <ol className="admin-job-item-list">
            {job.failed_items.map((item) => (
              <li key={item.id}>
                <p>
                  <strong>Item {item.position + 1}</strong> · {creditsLabel(item.credits)} · {item.attempts}{' '}
                  {item.attempts === 1 ? 'attempt' : 'attempts'} · provider {item.provider ?? job.provider ?? 'default'}
                </p>
                <p className="admin-job-error">
                  {item.error_code && <strong>{item.error_code}: </strong>}
                  {item.error_message ?? 'No error message.'}
                </p>
                {item.prompt && (
                  <p>
                    <span className="muted">Prompt:</span> {item.prompt}
                  </p>
                )}
                {item.settings && <pre className="code-block">{prettyJson(item.settings)}</pre>}
              </li>
            ))}
          </ol>
        </details>
      )}
    </li>
  );
}

/** Platform admins: failed jobs across workspaces (or one), newest first, with "retry failed items". */
export function FailedJobs() {
  const [params, setParams] = useSearchParams();
  const organization = params.get('organization') ?? '';
  const onlyFailed = params.get('partial') === 'no';
  const [draft, setDraft] = useState(organization);
  const [draftError, setDraftError] = useState<string | null>(null);
  const [retrying, setRetrying] = useState<AdminJob | null>(null);
  const jobs = useAdminFailedJobs({ ...(organization ? { organization_id: organization } : {}), include_partial: !onlyFailed });
  const rows = jobs.data?.pages.flatMap((page) => page.items) ?? [];

  const set = (key: string, value: string | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );

  const applyOrganization = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = draft.trim();
    if (value && !UUID.test(value)) {
      setDraftError('Paste a workspace id (from its page), or leave empty for all.');
      return;
    }
    setDraftError(null);
    set('organization', value || null);
  };

  let body;
  if (jobs.isPending) body = <LoadingBlock label="Loading failed jobs" />;
  else if (jobs.isError && rows.length === 0)
    body = <ErrorState error={jobs.error} what="failed jobs" onRetry={() => void jobs.refetch()} retrying={jobs.isFetching} />;
  else if (rows.length === 0) body = <EmptyState title="No failed jobs" description="Nothing failed here. Jobs with failed items show up as soon as they finish." />;
  else
    body = (
      <>
        <ul className="admin-job-list" aria-label="Failed jobs">
          {rows.map((job) => (
            <JobCard key={job.id} job={job} onRetry={() => setRetrying(job)} />
          ))}
        </ul>
        {jobs.hasNextPage && (
          <div className="list-more">
            <Button onClick={() => void jobs.fetchNextPage()} loading={jobs.isFetchingNextPage}>
              Load more
            </Button>
          </div>
        )}
      </>
    );

  return (
    <Card>
      <div className="admin-filters" role="search" aria-label="Filter failed jobs">
        <form className="admin-filter admin-filter--id" onSubmit={applyOrganization} noValidate aria-label="Filter by workspace">
          <Field label="Workspace id" error={draftError}>
            {(control) => <input {...control} className="input" value={draft} placeholder="All workspaces" autoComplete="off" spellCheck={false} onChange={(event) => setDraft(event.target.value)} />}
          </Field>
          <Button type="submit">Apply</Button>
        </form>
        <label className="check admin-filter-check">
          <input type="checkbox" checked={!onlyFailed} onChange={(event) => set('partial', event.target.checked ? null : 'no')} />
          <span>Include finished jobs with some failed items</span>
        </label>
      </div>
      {body}
      {retrying && <RetryDialog job={retrying} onClose={() => setRetrying(null)} />}
    </Card>
  );
}
