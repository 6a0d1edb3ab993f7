import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';

import { BoxIcon } from '@/components/icons';
import { Button, buttonClass, EmptyState, ErrorState, Input, LoadingBlock, Select } from '@/components/ui';
import { useSession } from '@/features/auth/session';
import { type ProductFilters, useCategories, useProducts } from '@/features/products/hooks';
import { GridIcon, ListIcon } from '@/features/products/icons';
import { NewProductDialog } from '@/features/products/NewProductDialog';
import { NewProductsUpload } from '@/features/products/NewProductsUpload';
import { ProductGrid, ProductTable } from '@/features/products/ProductList';
import { SlotMeter } from '@/features/products/SlotMeter';
import { cx } from '@/lib/cx';
import { canWrite } from '@/lib/roles';

import { PageHeader } from './PageHeader';

type View = 'grid' | 'table';

/** Waits until typing pauses before searching. */
function useDebounced<T>(value: T, delay = 300): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return debounced;
}

export function ProductsPage() {
  const me = useSession();
  const writable = canWrite(me.role);
  const [params, setParams] = useSearchParams();
  const [creating, setCreating] = useState(false);
  const [search, setSearch] = useState(params.get('query') ?? '');
  const query = useDebounced(search.trim());
  const view: View = params.get('view') === 'table' ? 'table' : 'grid';
  const categoryId = params.get('category') ?? '';
  const source = params.get('source') ?? '';
  const archived = params.get('archived') === '1';
  const { categories } = useCategories();

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

  useEffect(() => {
    if ((params.get('query') ?? '') !== query) update({ query: query || null });
    // Only the debounced text drives the URL.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query]);

  const filters: ProductFilters = {
    ...(query ? { query } : {}),
    ...(categoryId ? { category_id: categoryId } : {}),
    ...(source === 'uploaded' || source === 'imported' ? { source } : {}),
    ...(archived ? { archived: true } : {}),
  };
  const products = useProducts(filters);
  const rows = products.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Boolean(query || categoryId || source || archived);

  let body;
  if (products.isPending) body = <LoadingBlock label="Loading products" />;
  else if (products.isError)
    body = <ErrorState error={products.error} what="products" onRetry={() => void products.refetch()} retrying={products.isFetching} />;
  else if (rows.length === 0)
    body = filtered ? (
      <EmptyState
        title="No products match"
        description="Try other words or clear the filters."
        action={
          <Button
            onClick={() => {
              setSearch('');
              update({ query: null, category: null, source: null, archived: null });
            }}
          >
            Clear filters
          </Button>
        }
      />
    ) : (
      <EmptyState
        icon={<BoxIcon />}
        title="No products yet"
        description={writable ? 'Drop product photos above, or create a product by hand.' : 'Products added by your team appear here.'}
      />
    );
  else
    body = (
      <>
        {view === 'grid' ? <ProductGrid products={rows} /> : <ProductTable products={rows} />}
        {products.hasNextPage && (
          <div className="list-more">
            <Button onClick={() => void products.fetchNextPage()} loading={products.isFetchingNextPage}>
              Load more
            </Button>
          </div>
        )}
      </>
    );

  return (
    <>
      <PageHeader
        title="Products"
        description="Your catalog: upload product photos or import them from your store, then pick the ones to stage."
        actions={
          <div className="button-row products-actions">
            <Link to="/products/categories" className={buttonClass('secondary')}>
              Categories
            </Link>
            {writable && (
              <Button variant="primary" onClick={() => setCreating(true)}>
                New product
              </Button>
            )}
          </div>
        }
      />
      <div className="products-top">
        {writable && <NewProductsUpload disabled={false} />}
        <div className="card products-slots">
          <SlotMeter />
        </div>
      </div>

      <section className="card" aria-label="Catalog">
        <div className="toolbar" role="search">
          <Input
            className="toolbar-search"
            type="search"
            placeholder="Search name, SKU or description"
            aria-label="Search products"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
          <Select
            aria-label="Category"
            className="select--compact"
            value={categoryId}
            onChange={(event) => update({ category: event.target.value || null })}
          >
            <option value="">All categories</option>
            {categories.map((category) => (
              <option key={category.id} value={category.id}>
                {category.name}
              </option>
            ))}
          </Select>
          <Select
            aria-label="Source"
            className="select--compact"
            value={source}
            onChange={(event) => update({ source: event.target.value || null })}
          >
            <option value="">Uploaded and imported</option>
            <option value="uploaded">Uploaded</option>
            <option value="imported">Imported</option>
          </Select>
          <label className="check toolbar-check">
            <input type="checkbox" checked={archived} onChange={(event) => update({ archived: event.target.checked ? '1' : null })} />
            Archived
          </label>
          <div className="segmented" role="group" aria-label="View">
            <button
              type="button"
              className={cx('segmented-item', view === 'grid' && 'segmented-item--active')}
              aria-pressed={view === 'grid'}
              onClick={() => update({ view: null })}
            >
              <GridIcon /> Grid
            </button>
            <button
              type="button"
              className={cx('segmented-item', view === 'table' && 'segmented-item--active')}
              aria-pressed={view === 'table'}
              onClick={() => update({ view: 'table' })}
            >
              <ListIcon /> Table
            </button>
          </div>
        </div>
        {body}
      </section>
      <NewProductDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
