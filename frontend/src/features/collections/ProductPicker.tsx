import { useEffect, useId, useState } from 'react';
import { Link } from 'react-router';

import { CloseIcon } from '@/components/icons';
import { Button, EmptyState, ErrorState, Input, LoadingBlock, Spinner } from '@/components/ui';
import { type Product, type ProductLookup, primaryImage, useProducts, useProductsById } from '@/features/products/hooks';
import { PhotoIcon } from '@/features/products/icons';
import { cx } from '@/lib/cx';

import { MAX_PRODUCTS } from './collections';

function useDebounced<T>(value: T, delay = 300): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return debounced;
}

const products = (count: number) => `${count.toLocaleString()} ${count === 1 ? 'product' : 'products'}`;

interface ProductPickerProps {
  value: string[];
  onChange: (productIds: string[]) => void;
  error?: string;
  disabled?: boolean;
}

/**
 * The collection's products: search the catalog and tick as many as needed. A product without a photo cannot be
 * generated (every scene is built around one), so it cannot be picked, and says why.
 */
export function ProductPicker({ value, onChange, error, disabled }: ProductPickerProps) {
  const id = useId();
  const [search, setSearch] = useState('');
  const query = useDebounced(search.trim());
  const results = useProducts(query ? { query } : {});
  const rows = results.data?.pages.flatMap((page) => page.items) ?? [];
  const chosen = new Set(value);
  const full = value.length >= MAX_PRODUCTS;
  const addable = rows.filter((product) => product.images.length > 0 && !chosen.has(product.id));

  // The chosen products in one request; one just ticked shows at once from the search results.
  const findChosen = useProductsById(value);
  const shown = new Map(rows.map((product) => [product.id, product]));
  const add = (picked: Product[]) => {
    onChange([...value, ...picked.map((product) => product.id)].slice(0, Math.max(MAX_PRODUCTS, value.length)));
  };
  const remove = (productId: string) => onChange(value.filter((x) => x !== productId));
  const toggle = (product: Product) => (chosen.has(product.id) ? remove(product.id) : add([product]));

  let body;
  if (results.isPending) body = <LoadingBlock label="Loading products" />;
  else if (results.isError)
    body = <ErrorState error={results.error} what="products" onRetry={() => void results.refetch()} retrying={results.isFetching} />;
  else if (rows.length === 0)
    body = query ? (
      <EmptyState title="No products match" description="Try other words." />
    ) : (
      <EmptyState
        title="No products yet"
        description="Add products with a photo first, then gather them here."
        action={<Link to="/products">Go to products</Link>}
      />
    );
  else
    body = (
      <>
        <ul className="pick-list" aria-label="Products to add">
          {rows.map((product) => {
            const image = primaryImage(product);
            const noPhoto = product.images.length === 0;
            const on = chosen.has(product.id);
            const reasonId = `${id}-${product.id}-reason`;
            return (
              <li key={product.id} className={cx('pick-option', on && 'pick-option--on', noPhoto && 'pick-option--off')}>
                <label className="pick-option-label">
                  <input
                    type="checkbox"
                    checked={on}
                    disabled={disabled || (noPhoto && !on) || (full && !on)}
                    onChange={() => toggle(product)}
                    aria-describedby={noPhoto ? reasonId : undefined}
                  />
                  <span className="thumb thumb--sm">{image ? <img src={image.preview_url} alt="" loading="lazy" /> : <PhotoIcon aria-hidden="true" />}</span>
                  <span className="pick-option-name">{product.name}</span>
                </label>
                {noPhoto ? (
                  <span id={reasonId} className="pick-option-reason">
                    No photo yet, so it can't be generated. <Link to={`/products/${product.id}`}>Add one</Link>
                  </span>
                ) : (
                  <span className="pick-option-meta">{product.sku ?? `${product.images.length} ${product.images.length === 1 ? 'photo' : 'photos'}`}</span>
                )}
              </li>
            );
          })}
        </ul>
        <div className="pick-more">
          {addable.length > 1 && (
            <Button size="sm" onClick={() => add(addable)} disabled={disabled || full}>
              Add all {addable.length} shown
            </Button>
          )}
          {results.hasNextPage && (
            <Button size="sm" variant="ghost" onClick={() => void results.fetchNextPage()} loading={results.isFetchingNextPage}>
              Load more
            </Button>
          )}
        </div>
      </>
    );

  return (
    <div className={cx('product-picker', error && 'product-picker--invalid')}>
      <div className="product-picker-search">
        <Input
          type="search"
          placeholder="Search name, SKU or description"
          aria-label="Search products"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          disabled={disabled}
        />
        {body}
      </div>
      <section className="picked" aria-labelledby={`${id}-picked`}>
        <h3 id={`${id}-picked`} className="picked-title">
          {value.length === 0 ? 'No products chosen yet' : `${products(value.length)} chosen`}
        </h3>
        {value.length === 0 ? (
          <p className="field-hint">Tick products on the left. You can change them later; each keeps its own history.</p>
        ) : (
          <ul className="picked-list" aria-label="Chosen products">
            {value.map((productId) => (
              <PickedProduct
                key={productId}
                lookup={withShown(findChosen(productId), shown.get(productId))}
                onRemove={() => remove(productId)}
                disabled={disabled}
              />
            ))}
          </ul>
        )}
        {full && <p className="field-hint">That is the most a collection holds ({MAX_PRODUCTS}).</p>}
        {error && <p className="field-error">{error}</p>}
      </section>
    </div>
  );
}

function withShown(lookup: ProductLookup, shown: Product | undefined): ProductLookup {
  return lookup.product || !shown ? lookup : { product: shown, pending: false, missing: false };
}

function PickedProduct({ lookup, onRemove, disabled }: { lookup: ProductLookup; onRemove: () => void; disabled?: boolean }) {
  const data = lookup.product;
  const image = data ? primaryImage(data) : undefined;
  const name = data?.name ?? (lookup.missing ? 'A product that is gone' : 'Loading…');
  return (
    <li className="picked-item">
      <span className="thumb thumb--sm">
        {image ? <img src={image.preview_url} alt="" loading="lazy" /> : lookup.pending ? <Spinner size="sm" /> : <PhotoIcon aria-hidden="true" />}
      </span>
      <span className="picked-item-body">
        <span className="picked-item-name">{name}</span>
        {data && data.images.length === 0 && <span className="pick-option-reason">No photo: add one before generating.</span>}
        {data?.archived && <span className="pick-option-reason">Archived: restore it to generate.</span>}
        {lookup.missing && <span className="pick-option-reason">Deleted or no longer in this workspace: remove it.</span>}
      </span>
      <button type="button" className="icon-button picked-remove" onClick={onRemove} aria-label={`Remove ${data?.name ?? 'this product'}`} disabled={disabled}>
        <CloseIcon width={16} height={16} />
      </button>
    </li>
  );
}
