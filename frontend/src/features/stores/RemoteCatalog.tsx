import { useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';

import { Alert, Badge, Button, ConfirmDialog, EmptyState, FormError } from '@/components/ui';
import { useProductSlots } from '@/features/products/hooks';
import { PhotoIcon } from '@/features/products/icons';
import { parseError } from '@/lib/problem';

import { type ImportBody, type Job, MAX_IMPORT_IDS, type RemoteProduct, type Store, useRemoteProducts, useStartImport } from './hooks';
import { DownloadIcon, PLATFORM_NAMES } from './icons';

/** Why the store's catalog could not be read, in words that say what to do. */
function catalogError(error: unknown, platform: string): string {
  const parsed = parseError(error);
  if (parsed.code === 'store_request_failed' || parsed.status === 502)
    return `${platform} didn't answer in time. It may be busy; try again in a moment.`;
  if (parsed.code === 'store_not_active' || parsed.status === 409)
    return 'This store is no longer connected. Reconnect it to browse its products.';
  return parsed.message;
}

function SkeletonRows() {
  return (
    <div className="catalog-skeleton" aria-hidden="true">
      {Array.from({ length: 6 }, (_, index) => (
        <div key={index} className="catalog-skeleton-row">
          <span className="skeleton skeleton--box" />
          <span className="skeleton skeleton--thumb" />
          <span className="skeleton skeleton--line" />
          <span className="skeleton skeleton--short" />
        </div>
      ))}
    </div>
  );
}

function SelectAll({ checked, indeterminate, onChange, count }: { checked: boolean; indeterminate: boolean; onChange: (on: boolean) => void; count: number }) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate;
  }, [indeterminate]);
  return (
    <input
      ref={ref}
      type="checkbox"
      aria-label={`Select all ${count} shown`}
      checked={checked}
      onChange={(event) => onChange(event.target.checked)}
    />
  );
}

function Row({ product, selected, selectable, onToggle }: { product: RemoteProduct; selected: boolean; selectable: boolean; onToggle: () => void }) {
  const checkboxId = useId();
  const details = (
    <>
      <span className="thumb thumb--md">
        {product.image_url ? <img src={product.image_url} alt="" loading="lazy" /> : <PhotoIcon aria-hidden="true" />}
      </span>
      <span className="catalog-product-text">
        <span className="cell-primary">{product.title}</span>
        <span className="cell-secondary">{product.collections.length > 0 ? product.collections.join(', ') : 'No collection'}</span>
      </span>
    </>
  );
  return (
    <tr className={selected ? 'catalog-row catalog-row--selected' : 'catalog-row'}>
      {selectable && (
        <td className="catalog-check">
          <input id={checkboxId} type="checkbox" aria-label={`Select ${product.title}`} checked={selected} onChange={onToggle} />
        </td>
      )}
      <td>
        {/* The whole product cell toggles the row, like the checkbox. */}
        {selectable ? (
          <label htmlFor={checkboxId} className="cell-inline catalog-product catalog-product--selectable">
            {details}
          </label>
        ) : (
          <span className="cell-inline catalog-product">{details}</span>
        )}
      </td>
      <td className="cell-nowrap catalog-col--wide">{product.sku ?? '—'}</td>
      <td className="cell-nowrap cell-number">{product.price ?? '—'}</td>
      <td className="cell-number catalog-col--wide">{product.image_count}</td>
      <td className="cell-nowrap">
        {product.imported_product_id ? (
          <Link to={`/products/${product.imported_product_id}`} className="catalog-imported" title="Open the imported product">
            <Badge tone="success">Imported</Badge>
          </Link>
        ) : (
          <span className="muted">Not imported</span>
        )}
      </td>
    </tr>
  );
}

interface RemoteCatalogProps {
  store: Store;
  /** Members and above may import; viewers only look (and the API does not let them browse). */
  canImport: boolean;
  /** An import of this store is still running: starting another would race it. */
  importRunning: boolean;
  onImportStarted: (job: Job) => void;
}

/** The store's products, live from the store: pick some (or all) and import them into the catalog. */
export function RemoteCatalog({ store, canImport, importRunning, onImportStarted }: RemoteCatalogProps) {
  const platform = PLATFORM_NAMES[store.kind];
  const products = useRemoteProducts(store.id);
  const slots = useProductSlots();
  const start = useStartImport();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [confirmAll, setConfirmAll] = useState(false);
  const items = products.data?.pages.flatMap((page) => page.items) ?? [];

  const shownSelected = items.filter((item) => selected.has(item.external_id)).length;
  const allShown = items.length > 0 && shownSelected === items.length;
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const selectShown = (on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      for (const item of items) {
        if (on) next.add(item.external_id);
        else next.delete(item.external_id);
      }
      return next;
    });

  const startImport = (body: ImportBody) =>
    start.start(store.id, body, (job) => {
      setSelected(new Set());
      setConfirmAll(false);
      onImportStarted(job);
    });

  const remaining = slots.data?.remaining;
  const newSelected = items.filter((item) => selected.has(item.external_id) && !item.imported_product_id).length;
  const tooMany = selected.size > MAX_IMPORT_IDS;

  let body;
  if (products.isPending)
    body = (
      <>
        <p role="status" className="visually-hidden">
          Loading products from {store.shop_domain}
        </p>
        <SkeletonRows />
      </>
    );
  else if (products.isError && items.length === 0)
    body = (
      <Alert
        tone="error"
        title={`Couldn't load the products of ${store.shop_domain}`}
        actions={
          <Button size="sm" onClick={() => void products.refetch()} loading={products.isFetching}>
            Try again
          </Button>
        }
      >
        {catalogError(products.error, platform)}
      </Alert>
    );
  else if (items.length === 0)
    body = (
      <EmptyState
        icon={<PhotoIcon />}
        title="This store has no products yet"
        description={`Products you add in ${platform} show up here, ready to import.`}
      />
    );
  else
    body = (
      <>
        <div className="table-wrap">
          <table className="table catalog-table">
            <caption className="visually-hidden">Products in {store.shop_domain}</caption>
            <thead>
              <tr>
                {canImport && (
                  <th scope="col" className="catalog-check">
                    <span className="visually-hidden">Select</span>
                  </th>
                )}
                <th scope="col">Product</th>
                <th scope="col" className="catalog-col--wide">
                  SKU
                </th>
                <th scope="col" className="cell-number">
                  Price
                </th>
                <th scope="col" className="cell-number catalog-col--wide">
                  Photos
                </th>
                <th scope="col">In Epox</th>
              </tr>
            </thead>
            <tbody>
              {items.map((product) => (
                <Row
                  key={product.external_id}
                  product={product}
                  selectable={canImport}
                  selected={selected.has(product.external_id)}
                  onToggle={() => toggle(product.external_id)}
                />
              ))}
            </tbody>
          </table>
        </div>
        {products.hasNextPage && (
          <div className="list-more">
            <Button onClick={() => void products.fetchNextPage()} loading={products.isFetchingNextPage}>
              Load more
            </Button>
          </div>
        )}
        {products.isError && <FormError message={`Couldn't load more: ${catalogError(products.error, platform)}`} />}
      </>
    );

  const ready = products.isSuccess && items.length > 0;
  return (
    <section className="card catalog" aria-labelledby={`catalog-${store.id}`}>
      <header className="card-header catalog-header">
        <div>
          <h2 className="card-title" id={`catalog-${store.id}`}>
            Products in {store.shop_domain}
          </h2>
          <p className="card-description">
            Live from {platform}. Importing copies each product with its photos, price and collections; importing it again
            updates it.
          </p>
        </div>
      </header>
      {canImport && ready && (
        <div className="catalog-toolbar">
          <SelectAll
            count={items.length}
            checked={allShown}
            indeterminate={shownSelected > 0 && !allShown}
            onChange={selectShown}
          />
          <span className="catalog-selected" aria-live="polite">
            {selected.size === 0
              ? `${items.length} ${items.length === 1 ? 'product' : 'products'} shown${products.hasNextPage ? ', more below' : ''}`
              : `${selected.size} selected`}
          </span>
          {selected.size > 0 && (
            <Button variant="ghost" size="sm" onClick={() => setSelected(new Set())}>
              Clear selection
            </Button>
          )}
          <div className="button-row catalog-actions">
            <Button disabled={importRunning} onClick={() => setConfirmAll(true)}>
              Import all…
            </Button>
            <Button
              variant="primary"
              disabled={selected.size === 0 || tooMany || importRunning}
              loading={start.isPending && !confirmAll}
              onClick={() => startImport({ external_ids: [...selected] })}
            >
              <DownloadIcon /> Import selected{selected.size > 0 ? ` (${selected.size})` : ''}
            </Button>
          </div>
        </div>
      )}
      {canImport && ready && (
        <>
          {importRunning && (
            <p className="catalog-note" role="status">
              An import is running. You can start another one once it has finished.
            </p>
          )}
          {tooMany && (
            <p className="catalog-note catalog-note--warning">
              Import up to {MAX_IMPORT_IDS} products at a time, or use Import all.
            </p>
          )}
          {remaining !== undefined && newSelected > remaining && (
            <p className="catalog-note catalog-note--warning">
              {newSelected} new {newSelected === 1 ? 'product' : 'products'} selected but your plan has{' '}
              {remaining === 0 ? 'no product slots' : `${remaining} product ${remaining === 1 ? 'slot' : 'slots'}`} left: the
              import stops when they run out. <Link to="/billing">Change plan</Link> or archive products you don't need.
            </p>
          )}
          <FormError message={start.isError && !confirmAll ? `Couldn't start the import: ${catalogError(start.error, platform)}` : null} />
        </>
      )}
      {body}
      <ConfirmDialog
        open={confirmAll}
        tone="primary"
        title={`Import every product from ${store.shop_domain}?`}
        description={
          <>
            Every product in the store is imported with its photos, price and collections; products imported before are
            updated, not duplicated. Each new product uses one of your plan's product slots
            {remaining !== undefined ? ` (${remaining} left)` : ''}, and the import stops when they run out.
          </>
        }
        confirmLabel="Import all"
        pending={start.isPending}
        error={start.isError ? catalogError(start.error, platform) : null}
        onCancel={() => {
          setConfirmAll(false);
          start.reset();
        }}
        onConfirm={() => startImport({ all: true })}
      />
    </section>
  );
}
