import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';

import type { BatchAction } from '@/client/types.gen';
import { ImageIcon } from '@/components/icons';
import { Button, buttonClass, EmptyState, ErrorState, Input, LoadingBlock, Select } from '@/components/ui';
import { AssetGrid, AssetTable, type LibraryControls, useAssetNames } from '@/features/assets/AssetGrid';
import { type AssetActions, AssetLightbox } from '@/features/assets/AssetLightbox';
import { BatchBar, BatchReportPanel } from '@/features/assets/BatchBar';
import { EditorDialog } from '@/features/assets/Editor';
import {
  activeFilterCount,
  APPROVAL_LABELS,
  APPROVALS,
  filtersFromParams,
  SYNC_FILTER_LABELS,
  SYNC_STATES,
  TYPE_LABELS,
  TYPES,
  viewFromParams,
  withFilters,
  withoutFilters,
} from '@/features/assets/filters';
import { type Asset, fetchMatchingIds, useAssetProduct, useAssets, useCollections } from '@/features/assets/hooks';
import { ACTION_WORDS, type BatchReport, useBatchAction, useRestoreAsset, useReviewAsset } from '@/features/assets/mutations';
import { Notices, useNotices } from '@/features/assets/Notices';
import { PublishDialog } from '@/features/assets/PublishDialog';
import { EMPTY_SELECTION, selectionReducer } from '@/features/assets/selection';
import { useLibraryKeys } from '@/features/assets/useLibraryKeys';
import { useSession } from '@/features/auth/session';
import { GridIcon, ListIcon, TrashIcon } from '@/features/products/icons';
import { useProducts } from '@/features/products/hooks';
import { cx } from '@/lib/cx';
import { parseError } from '@/lib/problem';
import { canWrite } from '@/lib/roles';

import { PageHeader } from './PageHeader';

import '@/features/assets/assets.css';

/** Products offered in the filter: the first page is plenty for a menu; a linked product is added if missing. */
const FILTER_PRODUCTS = 200;
const images = (count: number) => `${count.toLocaleString()} ${count === 1 ? 'image' : 'images'}`;

/** Waits until typing pauses before searching. */
function useDebounced<T>(value: T, delay = 300): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return debounced;
}

/** Loads the next page when the end of the list scrolls into view (the Load more button stays for keyboards). */
function useLoadOnScroll(enabled: boolean, loadMore: () => void) {
  const sentinel = useRef<HTMLDivElement>(null);
  const load = useRef(loadMore);
  useEffect(() => {
    load.current = loadMore;
  });
  useEffect(() => {
    const target = sentinel.current;
    if (!enabled || !target || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => entries.some((entry) => entry.isIntersecting) && load.current(), { rootMargin: '600px 0px' });
    observer.observe(target);
    return () => observer.disconnect();
  }, [enabled]);
  return sentinel;
}

export function AssetsPage() {
  const me = useSession();
  const writable = canWrite(me.role);
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const view = viewFromParams(params);
  const trash = filters.deleted === true;
  const filtered = activeFilterCount(filters) > 0;
  const productId = filters.product_id ?? '';

  const [search, setSearch] = useState(filters.q ?? '');
  const query = useDebounced(search.trim());
  const update = useCallback(
    (changes: Parameters<typeof withFilters>[1]) => setParams((current) => withFilters(current, changes), { replace: true }),
    [setParams],
  );
  useEffect(() => {
    if ((params.get('q') ?? '') !== query) update({ q: query || null });
    // Only the debounced text drives the address bar.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query]);

  const assets = useAssets(filters);
  const products = useProducts({ limit: FILTER_PRODUCTS });
  const collections = useCollections();
  const linked = useAssetProduct(productId || null);
  const productRows = products.data?.pages.flatMap((page) => page.items) ?? [];
  const names = new Map(productRows.map((product) => [product.id, product.name]));
  if (linked.data) names.set(linked.data.id, linked.data.name);
  const rows = assets.data?.pages.flatMap((page) => page.items) ?? [];
  const order = rows.map((asset) => asset.id);
  const nameOf = useAssetNames(names);

  // Selection: cleared whenever the filters (or the trash) change, since it named what the old filters showed.
  const [selection, dispatch] = useReducer(selectionReducer, EMPTY_SELECTION);
  const filtersKey = JSON.stringify(filters);
  useEffect(() => dispatch({ type: 'clear' }), [filtersKey]);
  const selectedLoaded = rows.filter((asset) => selection.ids.has(asset.id));

  const notices = useNotices();
  const review = useReviewAsset({
    onFailed: (outcome) =>
      notices.push({ tone: outcome.conflict ? 'warning' : 'error', title: outcome.conflict ? 'Changed by someone else' : "Couldn't save that change", text: outcome.message }),
  });
  const batch = useBatchAction();
  const restore = useRestoreAsset();
  const [restoring, setRestoring] = useState<ReadonlySet<string>>(new Set());
  const [report, setReport] = useState<BatchReport | null>(null);
  const [collecting, setCollecting] = useState<number | null>(null);
  const collectAbort = useRef<AbortController | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [publishing, setPublishing] = useState<Asset | null>(null);
  useEffect(() => () => collectAbort.current?.abort(), []);

  const runBatch = (action: BatchAction, ids: string[]) => {
    if (ids.length === 0) return;
    setReport(null);
    batch.mutate(
      { action, ids },
      {
        onSuccess: (result) => {
          setReport(result);
          if (action === 'delete' || action === 'restore') {
            const failed = new Set([...result.failed.map((item) => item.asset_id), ...(result.unsent?.ids ?? [])]);
            const done = ids.filter((id) => !failed.has(id));
            dispatch({ type: 'remove', ids: done });
            if (action === 'delete' && done.length > 0)
              notices.push({
                tone: 'info',
                text: `${images(done.length)} moved to the trash. They can be restored for 30 days.`,
                action: (
                  <Button size="sm" onClick={() => runBatch('restore', done)}>
                    Undo
                  </Button>
                ),
              });
          }
        },
        onError: (error) => notices.push({ tone: 'error', title: `Couldn't ${ACTION_WORDS[action].verb.toLowerCase()}`, text: parseError(error).message }),
      },
    );
  };

  const selectAllMatching = async () => {
    collectAbort.current?.abort();
    const controller = new AbortController();
    collectAbort.current = controller;
    setCollecting(0);
    try {
      const ids = await fetchMatchingIds(filters, setCollecting, controller.signal);
      if (!controller.signal.aborted) dispatch({ type: 'all-matching', ids });
    } catch (error) {
      if (!controller.signal.aborted) notices.push({ tone: 'error', title: "Couldn't select every matching image", text: parseError(error).message });
    } finally {
      if (collectAbort.current === controller) setCollecting(null);
    }
  };

  const restoreOne = (asset: Asset) => {
    setRestoring((current) => new Set(current).add(asset.id));
    restore.mutate(asset.id, {
      onSuccess: () => notices.push({ tone: 'success', text: 'Restored: it is back in your library.' }),
      onError: (error) => notices.push({ tone: 'error', title: "Couldn't restore", text: parseError(error).message }),
      onSettled: () =>
        setRestoring((current) => {
          const next = new Set(current);
          next.delete(asset.id);
          return next;
        }),
    });
  };

  const library: LibraryControls = {
    selected: selection.ids,
    onSelect: (id, mode) => dispatch(mode === 'range' ? { type: 'range', id, order } : { type: 'toggle', id }),
    onReview: writable && !trash ? (asset, changes) => review.mutate({ asset, changes }) : undefined,
    onRestore: writable && trash ? restoreOne : undefined,
    restoring,
  };

  const actions: AssetActions = {
    writable,
    onEdit: (asset) => {
      setOpen(null);
      setEditing(asset.id);
    },
    onPublish: (asset) => {
      setOpen(null);
      setPublishing(asset);
    },
    onTrashed: (asset) => {
      setOpen(null);
      notices.push({
        tone: 'info',
        text: 'Moved to the trash. It can be restored for 30 days.',
        action: (
          <Button size="sm" onClick={() => restoreOne(asset)}>
            Undo
          </Button>
        ),
      });
    },
    onRestored: () => {
      setOpen(null);
      notices.push({ tone: 'success', text: 'Restored: it is back in your library.' });
    },
  };

  const onKeyDown = useLibraryKeys({ order, hasSelection: selection.ids.size > 0, dispatch });
  const sentinel = useLoadOnScroll(Boolean(assets.hasNextPage) && !assets.isFetchingNextPage, () => void assets.fetchNextPage());

  let body;
  if (assets.isPending) body = <LoadingBlock label="Loading assets" />;
  else if (assets.isError)
    body = <ErrorState error={assets.error} what="assets" onRetry={() => void assets.refetch()} retrying={assets.isFetching} />;
  else if (rows.length === 0) {
    if (trash)
      body = (
        <EmptyState
          icon={<TrashIcon />}
          title={filtered ? 'Nothing in the trash matches' : 'The trash is empty'}
          description="Deleted images stay here for 30 days, ready to restore, before they are removed for good."
        />
      );
    else if (productId && activeFilterCount(filters) === 1)
      body = (
        <EmptyState
          icon={<ImageIcon />}
          title={`No images of ${names.get(productId) ?? 'this product'} yet`}
          description="Open it in the Studio to generate some, or show every product's images."
          action={
            <div className="button-row">
              <Link to={`/studio?product=${productId}`} className={buttonClass('primary')}>
                Open in Studio
              </Link>
              <Button onClick={() => update({ product: null })}>Show all products</Button>
            </div>
          }
        />
      );
    else if (filtered)
      body = (
        <EmptyState
          title="No assets match"
          description="Try other words or clear the filters."
          action={
            <Button
              onClick={() => {
                setSearch('');
                setParams((current) => withoutFilters(current), { replace: true });
              }}
            >
              Clear filters
            </Button>
          }
        />
      );
    else
      body = (
        <EmptyState
          icon={<ImageIcon />}
          title="No assets yet"
          description="Every image you generate lands here, ready to review, edit and publish."
          action={
            <Link to="/studio" className={buttonClass('primary')}>
              Open the Studio
            </Link>
          }
        />
      );
  } else
    body = (
      <>
        {view === 'list' ? (
          <AssetTable assets={rows} onOpen={setOpen} productNames={names} label={trash ? 'Trash' : 'Assets'} library={library} />
        ) : (
          <AssetGrid assets={rows} onOpen={setOpen} productNames={names} label={trash ? 'Trash' : 'Assets'} library={library} />
        )}
        <div ref={sentinel} aria-hidden="true" />
        {assets.hasNextPage && (
          <div className="list-more">
            <Button onClick={() => void assets.fetchNextPage()} loading={assets.isFetchingNextPage}>
              Load more
            </Button>
          </div>
        )}
      </>
    );

  return (
    <>
      <PageHeader
        title="Assets"
        description="Every image you generated and edited, newest first. Review them, edit them, and publish the approved ones to your store."
        actions={
          <Link to="/studio" className={buttonClass('primary')}>
            Open the Studio
          </Link>
        }
      />
      <div className="segmented asset-places" role="group" aria-label="Show">
        <button type="button" className={cx('segmented-item', !trash && 'segmented-item--active')} aria-pressed={!trash} onClick={() => update({ trash: null })}>
          Library
        </button>
        <button type="button" className={cx('segmented-item', trash && 'segmented-item--active')} aria-pressed={trash} onClick={() => update({ trash: '1' })}>
          <TrashIcon /> Trash
        </button>
      </div>
      <section className="card asset-library" aria-label="Asset library" onKeyDown={onKeyDown}>
        <div className="toolbar asset-toolbar" role="search">
          <Input
            className="toolbar-search"
            type="search"
            placeholder="Search the prompts"
            aria-label="Search assets"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
          <Select aria-label="Product" className="select--compact asset-filter" value={productId} onChange={(event) => update({ product: event.target.value || null })}>
            <option value="">All products</option>
            {productId && !productRows.some((p) => p.id === productId) && <option value={productId}>{names.get(productId) ?? 'This product'}</option>}
            {productRows.map((product) => (
              <option key={product.id} value={product.id}>
                {product.name}
              </option>
            ))}
          </Select>
          <Select aria-label="Review" className="select--compact" value={filters.approval ?? ''} onChange={(event) => update({ approval: event.target.value || null })}>
            <option value="">Any review state</option>
            {APPROVALS.map((value) => (
              <option key={value} value={value}>
                {APPROVAL_LABELS[value]}
              </option>
            ))}
          </Select>
          <Select aria-label="Store sync" className="select--compact" value={filters.sync_status ?? ''} onChange={(event) => update({ sync: event.target.value || null })}>
            <option value="">Any store state</option>
            {SYNC_STATES.map((value) => (
              <option key={value} value={value}>
                {SYNC_FILTER_LABELS[value]}
              </option>
            ))}
          </Select>
          <Select aria-label="Type" className="select--compact" value={filters.type ?? ''} onChange={(event) => update({ type: event.target.value || null })}>
            <option value="">Images and videos</option>
            {TYPES.map((value) => (
              <option key={value} value={value}>
                {TYPE_LABELS[value]}
              </option>
            ))}
          </Select>
          {(collections.data?.items.length ?? 0) > 0 && (
            <Select aria-label="Collection" className="select--compact" value={filters.collection_id ?? ''} onChange={(event) => update({ collection: event.target.value || null })}>
              <option value="">Any collection</option>
              {collections.data?.items.map((collection) => (
                <option key={collection.id} value={collection.id}>
                  {collection.name}
                </option>
              ))}
            </Select>
          )}
          <label className="check toolbar-check">
            <input type="checkbox" checked={filters.pinned === true} onChange={(event) => update({ pinned: event.target.checked ? '1' : null })} />
            Pinned
          </label>
          <label className="check toolbar-check">
            <input type="checkbox" checked={filters.favorite === true} onChange={(event) => update({ favorite: event.target.checked ? '1' : null })} />
            Favorites
          </label>
          {filtered && (
            <Button
              size="sm"
              variant="ghost"
              onClick={() => {
                setSearch('');
                setParams((current) => withoutFilters(current), { replace: true });
              }}
            >
              Clear filters
            </Button>
          )}
          <div className="segmented asset-view" role="group" aria-label="View">
            <button type="button" className={cx('segmented-item', view === 'grid' && 'segmented-item--active')} aria-pressed={view === 'grid'} onClick={() => update({ view: null })}>
              <GridIcon /> Grid
            </button>
            <button type="button" className={cx('segmented-item', view === 'list' && 'segmented-item--active')} aria-pressed={view === 'list'} onClick={() => update({ view: 'list' })}>
              <ListIcon /> List
            </button>
          </div>
          {rows.length > 0 && (
            <span className="muted asset-count">
              {rows.length.toLocaleString()}
              {assets.hasNextPage ? '+' : ''} {rows.length === 1 ? 'image' : 'images'}
            </span>
          )}
        </div>
        <Notices notices={notices.notices} onDismiss={notices.dismiss} />
        {report && (
          <BatchReportPanel
            report={report}
            nameOf={(id) => {
              const asset = rows.find((row) => row.id === id);
              return asset ? nameOf(asset) : `Image ${id.slice(0, 8)}`;
            }}
            onSelectFailed={(ids) => dispatch({ type: 'only', ids })}
            onRetryUnsent={(ids) => runBatch(report.action, ids)}
            onDismiss={() => setReport(null)}
          />
        )}
        {selection.ids.size > 0 && (
          <BatchBar
            selectedCount={selection.ids.size}
            allMatching={selection.allMatching}
            moreToLoad={Boolean(assets.hasNextPage)}
            loadedCount={rows.length}
            collecting={collecting}
            selectedLoaded={selectedLoaded}
            trash={trash}
            writable={writable}
            progress={batch.progress}
            onAction={(action) => runBatch(action, [...selection.ids])}
            onSelectAllMatching={() => void selectAllMatching()}
            onSelectAllLoaded={() => dispatch({ type: 'all-loaded', order })}
            onClear={() => {
              collectAbort.current?.abort();
              setCollecting(null);
              dispatch({ type: 'clear' });
            }}
          />
        )}
        {body}
        {rows.length > 0 && (
          <p className="asset-keys muted">
            Select with the checkboxes or Space; Shift selects a range, Ctrl+A (⌘A) every loaded image, Esc clears. Arrow keys move between images.
          </p>
        )}
      </section>
      <AssetLightbox assetId={open} order={order} onNavigate={setOpen} onClose={() => setOpen(null)} actions={actions} />
      <EditorDialog
        assetId={editing}
        onClose={(last) => {
          const from = editing;
          setEditing(null);
          // Show what the editing made (its revisions are listed in the preview).
          if (last !== from) setOpen(last);
        }}
      />
      <PublishDialog
        asset={publishing}
        onClose={() => setPublishing(null)}
        onPublished={(_record, asset, product) => {
          setPublishing(null);
          notices.push({
            tone: 'info',
            title: 'Publishing',
            text: `${nameOf(asset)} is on its way to ${product?.name ?? 'the store'}. Its badge turns Synced when the store has it.`,
          });
        }}
      />
    </>
  );
}
