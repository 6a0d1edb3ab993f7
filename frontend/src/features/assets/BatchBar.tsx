import type { ReactNode } from 'react';

import type { BatchAction } from '@/client/types.gen';
import { CloseIcon } from '@/components/icons';
import { Alert, Button, Spinner } from '@/components/ui';
import { StarIcon, TrashIcon } from '@/features/products/icons';

import type { Asset } from './hooks';
import { BanIcon, CheckIcon, PinIcon, PublishIcon, RestoreIcon } from './icons';
import { ACTION_WORDS, type BatchProgress, type BatchReport } from './mutations';

const count = (value: number) => new Intl.NumberFormat().format(value);
const images = (value: number) => `${count(value)} ${value === 1 ? 'image' : 'images'}`;

interface BatchBarProps {
  selectedCount: number;
  /** The selection is every asset the filters match. */
  allMatching: boolean;
  /** Assets the filters match beyond the loaded pages (the API has no total: "more" is all we know). */
  moreToLoad: boolean;
  loadedCount: number;
  /** Reading the ids of every matching asset: how many so far. */
  collecting: number | null;
  /** The selected assets that are loaded, for the Pin / Unpin and Favorite / Unfavorite choice. */
  selectedLoaded: Asset[];
  trash: boolean;
  writable: boolean;
  progress: BatchProgress | null;
  onAction: (action: BatchAction) => void;
  onSelectAllMatching: () => void;
  onSelectAllLoaded: () => void;
  onClear: () => void;
}

/** What to do with the selected assets, and how many that is; stays in view while the list scrolls. */
export function BatchBar(props: BatchBarProps) {
  const { selectedCount, allMatching, moreToLoad, loadedCount, collecting, selectedLoaded, trash, writable, progress, onAction } = props;
  const busy = progress !== null || collecting !== null;
  const allPinned = selectedLoaded.length > 0 && selectedLoaded.every((asset) => asset.pinned);
  const allFavorite = selectedLoaded.length > 0 && selectedLoaded.every((asset) => asset.favorite);
  const action = (name: BatchAction, icon: ReactNode, variant: 'secondary' | 'primary' | 'danger' = 'secondary') => (
    <Button size="sm" variant={variant} disabled={busy} onClick={() => onAction(name)}>
      {icon} {ACTION_WORDS[name].verb}
    </Button>
  );
  return (
    <div className="batch-bar" role="region" aria-label="Selected assets">
      <p className="batch-bar-count" aria-live="polite">
        {allMatching ? `All ${images(selectedCount)} matching selected` : `${count(selectedCount)} selected`}
      </p>
      {!allMatching && (moreToLoad || selectedCount < loadedCount) && (
        <div className="button-row">
          {selectedCount < loadedCount && !moreToLoad && (
            <Button size="sm" variant="ghost" disabled={busy} onClick={props.onSelectAllLoaded}>
              Select all {count(loadedCount)}
            </Button>
          )}
          {moreToLoad && (
            <Button size="sm" variant="ghost" disabled={busy} onClick={props.onSelectAllMatching}>
              {collecting !== null ? (
                <>
                  <Spinner size="sm" /> Selecting… {count(collecting)}
                </>
              ) : (
                'Select all matching'
              )}
            </Button>
          )}
        </div>
      )}
      {writable && (
        <div className="batch-bar-actions">
          {progress ? (
            <p className="batch-bar-progress" role="status">
              <Spinner size="sm" /> {ACTION_WORDS[progress.action].progress} {count(progress.done)} of {count(progress.total)}…
            </p>
          ) : trash ? (
            action('restore', <RestoreIcon />, 'primary')
          ) : (
            <>
              {action('approve', <CheckIcon />, 'primary')}
              {action('reject', <BanIcon />)}
              {action('publish', <PublishIcon />)}
              {action(allPinned ? 'unpin' : 'pin', <PinIcon />)}
              {action(allFavorite ? 'unfavorite' : 'favorite', <StarIcon />)}
              {action('delete', <TrashIcon />, 'danger')}
            </>
          )}
        </div>
      )}
      <Button size="sm" variant="ghost" className="batch-bar-clear" onClick={props.onClear} aria-label="Clear the selection" title="Clear the selection (Esc)">
        <CloseIcon width={16} height={16} />
      </Button>
    </div>
  );
}

interface BatchReportProps {
  report: BatchReport;
  /** Names the assets the report mentions (loaded ones by product and scene, others by a short id). */
  nameOf: (assetId: string) => string;
  onSelectFailed: (ids: string[]) => void;
  onRetryUnsent: (ids: string[]) => void;
  onDismiss: () => void;
}

/** What a batch did: how many succeeded and, for every one that did not, which and why. Never folded away. */
export function BatchReportPanel({ report, nameOf, onSelectFailed, onRetryUnsent, onDismiss }: BatchReportProps) {
  const words = ACTION_WORDS[report.action];
  const problems = report.failed.length + (report.unsent?.ids.length ?? 0);
  const title =
    problems === 0
      ? `${images(report.succeeded)} ${words.done}`
      : `${count(report.succeeded)} of ${images(report.total)} ${words.done} · ${count(problems)} not`;
  const failedIds = report.failed.map((result) => result.asset_id);
  return (
    <Alert
      tone={problems === 0 ? 'success' : report.succeeded === 0 ? 'error' : 'warning'}
      title={title}
      className="batch-report"
      actions={
        <div className="button-row">
          {failedIds.length > 0 && (
            <Button size="sm" onClick={() => onSelectFailed(failedIds)}>
              Select the {failedIds.length === 1 ? 'failed one' : `${count(failedIds.length)} failed`}
            </Button>
          )}
          {report.unsent && (
            <Button size="sm" onClick={() => onRetryUnsent(report.unsent?.ids ?? [])}>
              Try the rest again
            </Button>
          )}
          <Button size="sm" variant="ghost" aria-label="Dismiss" onClick={onDismiss}>
            <CloseIcon width={16} height={16} />
          </Button>
        </div>
      }
    >
      {report.action === 'publish' && report.succeeded > 0 && <p>Their badges turn Synced once the store has them.</p>}
      {report.unsent && (
        <p>
          {images(report.unsent.ids.length)} were not sent: {report.unsent.message}
        </p>
      )}
      {report.failed.length > 0 && (
        <ul className="batch-failures" aria-label={`Not ${words.done}`}>
          {report.failed.map((result) => (
            <li key={result.asset_id}>
              <span className="batch-failure-name">{nameOf(result.asset_id)}</span>
              <span className="batch-failure-reason">{result.error?.detail ?? 'Not done.'}</span>
            </li>
          ))}
        </ul>
      )}
    </Alert>
  );
}
