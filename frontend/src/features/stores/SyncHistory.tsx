import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId } from 'react';
import { Link } from 'react-router';

import type { AssetSyncState } from '@/client/types.gen';
import { Button, EmptyState, ErrorState, LoadingBlock } from '@/components/ui';
import { SyncBadge } from '@/features/assets/AssetBadges';
import { type Asset, invalidateAssets, useAssets, useSyncRecords } from '@/features/assets/hooks';
import { useRetrySync } from '@/features/assets/mutations';
import { useProducts } from '@/features/products/hooks';
import { formatDateTime } from '@/lib/format';
import { parseError } from '@/lib/problem';

import type { Store } from './hooks';

import './syncHistory.css';

/** How many images of each state the history shows; the Assets page filters by state for the rest. */
const SHOWN: Record<Exclude<AssetSyncState, 'not_synced'>, number> = { failed: 25, pending: 25, synced: 10 };
/** The store products' names, for naming each image by what it shows. */
const NAMED_PRODUCTS = 200;

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

interface SyncHistoryProps {
  stores: Store[];
  /** Members retry failed syncs; viewers only read. */
  canRetry: boolean;
}

/**
 * Publishing to the store, image by image: the failed syncs first with their reason and a Retry, then the ones in
 * progress, then the latest published. Each row shows the image's last sync: what it was, when, how many attempts.
 */
export function SyncHistory({ stores, canRetry }: SyncHistoryProps) {
  const titleId = useId();
  const failed = useAssets({ sync_status: 'failed' }, { limit: SHOWN.failed });
  const pending = useAssets({ sync_status: 'pending' }, { limit: SHOWN.pending });
  const synced = useAssets({ sync_status: 'synced' }, { limit: SHOWN.synced });
  const products = useProducts({ source: 'imported', limit: NAMED_PRODUCTS });
  const names = new Map((products.data?.pages.flatMap((page) => page.items) ?? []).map((product) => [product.id, product.name]));
  const first = (query: typeof failed) => query.data?.pages[0]?.items ?? [];
  const sections = [
    { state: 'failed' as const, title: 'Failed', rows: first(failed), more: Boolean(failed.data?.pages[0]?.next_cursor) },
    { state: 'pending' as const, title: 'In progress', rows: first(pending), more: Boolean(pending.data?.pages[0]?.next_cursor) },
    { state: 'synced' as const, title: 'Published', rows: first(synced), more: Boolean(synced.data?.pages[0]?.next_cursor) },
  ];
  const queries = [failed, pending, synced];

  // A sync that ends leaves "In progress" for "Failed" or "Published": those lists are read again then.
  const queryClient = useQueryClient();
  const inProgress = first(pending)
    .map((asset) => asset.id)
    .join(',');
  useEffect(() => {
    if (inProgress === '') return;
    return () => void invalidateAssets(queryClient);
  }, [inProgress, queryClient]);
  const broken = queries.find((query) => query.isError);

  let body;
  if (queries.some((query) => query.isPending)) body = <LoadingBlock label="Loading the sync history" />;
  else if (broken)
    body = (
      <ErrorState
        error={broken.error}
        what="the sync history"
        onRetry={() => queries.forEach((query) => void query.refetch())}
        retrying={queries.some((query) => query.isFetching)}
      />
    );
  else if (sections.every((section) => section.rows.length === 0))
    body = (
      <EmptyState
        title="Nothing published yet"
        description="Approve images on the Assets page and publish them to their products; with auto-publish on, approving publishes."
        action={<Link to="/assets?approval=approved">Approved images</Link>}
      />
    );
  else
    body = sections
      .filter((section) => section.rows.length > 0)
      .map((section) => (
        <section key={section.state} className="sync-section" aria-label={section.title}>
          <h3 className="sync-section-title">
            {section.title} <span className="muted">· {section.more ? `${section.rows.length}+` : section.rows.length}</span>
          </h3>
          <ul className="sync-list">
            {section.rows.map((asset) => (
              <SyncRow key={asset.id} asset={asset} product={asset.product_id ? names.get(asset.product_id) : undefined} stores={stores} canRetry={canRetry} />
            ))}
          </ul>
          {section.more && (
            <Link className="sync-more" to={`/assets?sync=${section.state}&view=list`}>
              All {section.title.toLowerCase()} images
            </Link>
          )}
        </section>
      ));

  const failures = first(failed).length;
  return (
    <section className="card" aria-labelledby={titleId}>
      <header className="card-header">
        <div>
          <h2 className="card-title" id={titleId}>
            Sync history
          </h2>
          <p className="card-description">
            {failures > 0
              ? `${plural(failures, 'image')}${failed.data?.pages[0]?.next_cursor ? ' or more' : ''} could not be published: the reason is next to each.`
              : 'Images published to your store, and any that could not be.'}
          </p>
        </div>
      </header>
      <div className="sync-history">{body}</div>
    </section>
  );
}

interface SyncRowProps {
  asset: Asset;
  product: string | undefined;
  stores: Store[];
  canRetry: boolean;
}

function SyncRow({ asset, product, stores, canRetry }: SyncRowProps) {
  const records = useSyncRecords(asset.id, { limit: 1, poll: asset.sync_state === 'pending' });
  const retry = useRetrySync();
  const last = records.data?.items[0];
  const store = last?.store_connection_id ? stores.find((item) => item.id === last.store_connection_id) : undefined;
  const when = last ? (last.finished_at ?? last.started_at ?? last.created_at) : null;
  const name = product ?? 'Image';
  return (
    <li className="sync-row">
      <Link to={`/assets?sync=${asset.sync_state}`} className="thumb thumb--sm" aria-label={`${name} in Assets`}>
        <img src={asset.preview_url} alt="" loading="lazy" />
      </Link>
      <div className="sync-row-main">
        <p className="sync-row-name">
          {name}
          {last && (
            <span className="muted">
              {' '}
              · {last.action === 'unpublish' ? 'removal' : 'publish'}
              {store ? ` to ${store.shop_domain}` : ''}
            </span>
          )}
        </p>
        <SyncBadge asset={{ sync_state: asset.sync_state, sync_error: asset.sync_error ?? last?.error_message ?? null }} showReason />
        <p className="sync-row-meta">
          {when ? formatDateTime(when) : records.isPending ? 'Loading…' : '—'}
          {last && last.attempts > 1 ? ` · ${last.attempts} attempts` : ''}
          {last?.error_code ? ` · ${last.error_code.replace(/_/g, ' ')}` : ''}
        </p>
        {retry.isError && <p className="form-error">{`Couldn't retry: ${parseError(retry.error).message}`}</p>}
      </div>
      {canRetry && asset.sync_state === 'failed' && last?.retryable && (
        <Button size="sm" loading={retry.isPending} onClick={() => retry.mutate(last.id)} aria-label={`Retry ${name}`}>
          Retry
        </Button>
      )}
    </li>
  );
}
