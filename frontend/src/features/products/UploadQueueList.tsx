import type { Dispatch } from 'react';
import { Link } from 'react-router';

import { Button, Spinner } from '@/components/ui';
import { cx } from '@/lib/cx';

import { isActive, summarize, type UploadAction, type UploadItem } from './uploadQueue';

const STATUS_LABELS: Record<UploadItem['status'], string> = {
  queued: 'Waiting',
  creating: 'Creating product…',
  uploading: 'Uploading…',
  done: 'Done',
  failed: 'Failed',
};

function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** One row per file with its own state; failures say why and can be retried. */
export function UploadQueueList({
  items,
  dispatch,
  linkToProducts = false,
}: {
  items: UploadItem[];
  dispatch: Dispatch<UploadAction>;
  linkToProducts?: boolean;
}) {
  if (items.length === 0) return null;
  const { total, done, failed, active } = summarize(items);
  return (
    <div className="upload-queue">
      <div className="upload-queue-head">
        <p className="upload-queue-summary" role="status">
          {done} of {total} uploaded
          {active > 0 && `, ${active} in progress`}
          {failed > 0 && `, ${failed} failed`}
        </p>
        {done > 0 && (
          <Button size="sm" variant="ghost" onClick={() => dispatch({ type: 'clearFinished' })}>
            Clear finished
          </Button>
        )}
      </div>
      <ul className="upload-list" aria-label="Uploads">
        {items.map((item) => (
          <li key={item.id} className={cx('upload-item', `upload-item--${item.status}`)}>
            <div className="upload-item-main">
              <span className="upload-item-name">{item.file.name}</span>
              <span className="upload-item-size">{formatSize(item.file.size)}</span>
              <span className={cx('upload-item-status', `upload-item-status--${item.status}`)}>
                {isActive(item) && item.status !== 'queued' && <Spinner size="sm" />}
                {STATUS_LABELS[item.status]}
              </span>
            </div>
            {isActive(item) && (
              <div className={cx('progress', item.status !== 'queued' && 'progress--running')} aria-hidden="true">
                <div className="progress-bar" />
              </div>
            )}
            {item.status === 'failed' && (
              <div className="upload-item-error">
                <p role="alert">{item.error}</p>
                <div className="button-row">
                  <Button size="sm" onClick={() => dispatch({ type: 'retry', id: item.id })} aria-label={`Retry ${item.file.name}`}>
                    Retry
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => dispatch({ type: 'dismiss', id: item.id })} aria-label={`Dismiss ${item.file.name}`}>
                    Dismiss
                  </Button>
                </div>
              </div>
            )}
            {item.status === 'done' && linkToProducts && item.productId && (
              <Link className="upload-item-link" to={`/products/${item.productId}`}>
                Open product
              </Link>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
