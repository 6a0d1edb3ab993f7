import type { CSSProperties } from 'react';

import { Button, ErrorState, Spinner } from '@/components/ui';
import { useAsset } from '@/features/assets/hooks';
import { creditsLabel } from '@/features/credits/hooks';
import { isFinished, useCancelJob } from '@/features/stores/hooks';
import { cx } from '@/lib/cx';
import { parseError } from '@/lib/problem';

import { type Generation, type GenerationItem, type GenerationNoun, isSettled, itemError, useGeneration } from './hooks';
import { AlertIcon } from './icons';

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

function ratioStyle(ratio: string): CSSProperties {
  const [w, h] = ratio.split(':').map(Number);
  return w && h ? { aspectRatio: `${w} / ${h}` } : { aspectRatio: '1 / 1' };
}

interface GenerationProgressProps {
  jobId: string;
  /** What the POST answered, shown until the first read of the job arrives. */
  initial?: Generation | null;
  /** The shape asked for, for the placeholders (the job itself may hold several products' settings). */
  aspectRatio: string;
  onOpenAsset: (assetId: string) => void;
  onDismiss: () => void;
  canCancel: boolean;
  noun?: GenerationNoun;
}

/** One tile per requested image: a shimmer while it is made, the image once it is ready, the reason if it failed. */
export function GenerationProgress({ jobId, initial, aspectRatio, onOpenAsset, onDismiss, canCancel, noun = 'image' }: GenerationProgressProps) {
  const query = useGeneration(jobId);
  const cancel = useCancelJob();
  const generation = query.data ?? (initial?.job.id === jobId ? initial : undefined);
  if (!generation) {
    if (query.isError) return <ErrorState error={query.error} what="this generation" onRetry={() => void query.refetch()} retrying={query.isFetching} />;
    return (
      <section className="run" aria-label="Generation progress">
        <p className="run-line">
          <Spinner size="sm" /> Loading the generation…
        </p>
      </section>
    );
  }
  const { job, items } = generation;
  const finished = isFinished(job.status);
  const ready = items.filter((item) => item.status === 'succeeded');
  const failed = items.filter((item) => item.status === 'failed' || item.status === 'canceled');
  const charged = ready.reduce((sum, item) => sum + item.credits, 0);
  const returned = failed.reduce((sum, item) => sum + item.credits, 0);

  let line: string;
  if (!finished) {
    if (job.status === 'queued' && ready.length === 0) line = `Waiting to start ${plural(items.length, noun)}…`;
    else line = `${ready.length} of ${plural(items.length, noun)} ready${failed.length ? `, ${failed.length} failed` : ''}…`;
  } else if (job.status === 'canceled') {
    line = `Stopped. ${plural(ready.length, noun)} made${ready.length ? ` (${creditsLabel(charged)} used)` : ''}; the rest were not charged.`;
  } else if (ready.length === 0) {
    line = `No ${noun} could be made. Nothing was charged.`;
  } else {
    line = `${plural(ready.length, noun)} ready · ${creditsLabel(charged)} used`;
    if (failed.length) line += ` · ${failed.length} failed, ${creditsLabel(returned)} returned`;
  }

  return (
    <section className="run" aria-label="Generation progress">
      <div className="run-head">
        <p className="run-line" aria-live="polite">
          {!finished && <Spinner size="sm" />}
          {line}
        </p>
        {!finished && canCancel && (
          <Button size="sm" variant="ghost" loading={cancel.isPending} onClick={() => cancel.mutate({ path: { job_id: job.id } })}>
            Stop
          </Button>
        )}
        {finished && (
          <Button size="sm" variant="ghost" onClick={onDismiss}>
            Dismiss
          </Button>
        )}
      </div>
      {finished && job.status === 'failed' && job.error && ready.length === 0 && <p className="run-error">{job.error.message}</p>}
      {cancel.isError && <p className="form-error">{`Couldn't stop: ${parseError(cancel.error).message}`}</p>}
      <ol className={cx('run-tiles', items.length === 1 && 'run-tiles--single')} aria-label={`${noun === 'clip' ? 'Clips' : 'Images'} in this generation`}>
        {items.map((item) => (
          <ProgressTile
            key={item.id}
            item={item}
            total={items.length}
            style={ratioStyle(typeof job.params.aspect_ratio === 'string' ? job.params.aspect_ratio : aspectRatio)}
            onOpen={onOpenAsset}
            noun={noun}
          />
        ))}
      </ol>
      {!finished && <p className="run-hint">You can leave this page: the {noun}s keep coming and wait in your assets.</p>}
    </section>
  );
}

interface ProgressTileProps {
  item: GenerationItem;
  total: number;
  style: CSSProperties;
  onOpen: (assetId: string) => void;
  noun?: GenerationNoun;
}

export function ProgressTile({ item, total, style, onOpen, noun = 'image' }: ProgressTileProps) {
  const name = `${noun === 'clip' ? 'Clip' : 'Image'} ${item.position + 1} of ${total}`;
  const asset = useAsset(item.status === 'succeeded' ? item.asset_id : null);
  if (item.status === 'succeeded') {
    const assetId = item.asset_id;
    return (
      <li className="run-tile run-tile--ready" style={asset.data ? { aspectRatio: `${asset.data.width} / ${asset.data.height}` } : style}>
        {asset.data && assetId ? (
          <button type="button" className="run-tile-open" onClick={() => onOpen(assetId)} aria-label={`${name}: ready. Open it`}>
            <img src={asset.data.preview_url} alt={`Generated ${noun} ${item.position + 1}`} />
          </button>
        ) : (
          <div className="shimmer" aria-label={`${name}: ready, loading the preview`} role="img" />
        )}
      </li>
    );
  }
  if (isSettled(item.status))
    return (
      <li className="run-tile run-tile--failed" style={style} aria-label={`${name}: ${item.status === 'canceled' ? 'canceled' : 'failed'}`}>
        <div className="run-tile-body">
          <AlertIcon />
          <p className="run-tile-title">{item.status === 'canceled' ? 'Canceled' : 'Failed'}</p>
          <p className="run-tile-text">{itemError(item, noun)}</p>
          <p className="run-tile-note">Not charged</p>
        </div>
      </li>
    );
  return (
    <li className="run-tile" style={style} aria-label={`${name}: ${item.status === 'running' ? 'generating' : 'queued'}`}>
      <div className="shimmer" aria-hidden="true" />
      <span className="run-tile-status">{item.status === 'running' ? (noun === 'clip' ? 'Rendering…' : 'Generating…') : 'Queued'}</span>
    </li>
  );
}
