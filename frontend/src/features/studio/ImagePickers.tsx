import { useEffect, useState } from 'react';
import { Link } from 'react-router';

import { CloseIcon } from '@/components/icons';
import { Button, Dialog, EmptyState, ErrorState, Input, LoadingBlock } from '@/components/ui';
import { type Product, type ProductImage, useProducts } from '@/features/products/hooks';
import { PhotoIcon } from '@/features/products/icons';
import { cx } from '@/lib/cx';

import { CheckIcon, PlusIcon } from './icons';

/** A product photo picked as a reference, with what is needed to show it. */
export interface ReferenceImage {
  id: string;
  previewUrl: string;
  label: string;
}

export function referenceOf(product: Pick<Product, 'name'>, image: ProductImage, index: number): ReferenceImage {
  return { id: image.id, previewUrl: image.preview_url, label: `${product.name}, photo ${index + 1}` };
}

interface BaseImagePickerProps {
  product: Product;
  value: string | null;
  onChange: (imageId: string) => void;
  error?: string | null;
  disabled?: boolean;
}

/** Which of the product's photos the scene is built around. */
export function BaseImagePicker({ product, value, onChange, error, disabled }: BaseImagePickerProps) {
  if (product.images.length === 0)
    return (
      <>
        <EmptyState
          icon={<PhotoIcon />}
          title="This product has no photo yet"
          description="The Studio builds every scene around a product photo. Add one first."
          action={<Link to={`/products/${product.id}`}>Add a photo</Link>}
        />
        {error && <p className="field-error">{error}</p>}
      </>
    );
  return (
    <fieldset className="photo-picker" disabled={disabled} aria-describedby={error ? 'base-image-error' : undefined}>
      <legend className="visually-hidden">Base photo</legend>
      <div className="photo-options">
        {product.images.map((image, index) => {
          const on = image.id === value;
          return (
            <label key={image.id} className={cx('photo-option', on && 'photo-option--on')}>
              <input
                type="radio"
                className="choice-input"
                name="base-image"
                value={image.id}
                checked={on}
                onChange={() => onChange(image.id)}
                aria-label={`Photo ${index + 1}${image.is_primary ? ' (primary)' : ''}`}
              />
              <img src={image.preview_url} alt="" loading="lazy" />
              {on && (
                <span className="photo-option-check" aria-hidden="true">
                  <CheckIcon width={14} height={14} />
                </span>
              )}
              {image.is_primary && <span className="photo-option-tag">Primary</span>}
            </label>
          );
        })}
      </div>
      {error && (
        <p id="base-image-error" className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

interface ReferencePickerProps {
  product: Product;
  baseImageId: string | null;
  selected: ReferenceImage[];
  onChange: (selected: ReferenceImage[]) => void;
  max: number;
  providerName: string;
  error?: string | null;
  disabled?: boolean;
}

/** Photos whose look the scene should borrow: the product's other photos, or any other product's. */
export function ReferencePicker({ product, baseImageId, selected, onChange, max, providerName, error, disabled }: ReferencePickerProps) {
  const [browsing, setBrowsing] = useState(false);
  const ids = new Set(selected.map((image) => image.id));
  const full = selected.length >= max;
  const own = product.images.map((image, index) => ({ image, index })).filter(({ image }) => image.id !== baseImageId);
  const others = selected.filter((ref) => !product.images.some((image) => image.id === ref.id));
  const toggle = (ref: ReferenceImage) =>
    onChange(ids.has(ref.id) ? selected.filter((image) => image.id !== ref.id) : [...selected, ref]);

  if (max === 0)
    return (
      <p className="muted">
        {providerName} doesn't use reference images.
        {selected.length > 0 && ' '}
        {selected.length > 0 && (
          <button type="button" className="bubble-clear" onClick={() => onChange([])}>
            Remove the {selected.length} picked
          </button>
        )}
        {error && <span className="field-error">{error}</span>}
      </p>
    );

  return (
    <div className="stack reference-picker">
      <p className="muted reference-count" aria-live="polite">
        {selected.length} of {max} picked{full ? ' — that is the most this provider takes.' : '.'}
      </p>
      <ul className="photo-options" aria-label="Reference images">
        {own.map(({ image, index }) => {
          const ref = referenceOf(product, image, index);
          const on = ids.has(image.id);
          return (
            <li key={image.id}>
              <button
                type="button"
                className={cx('photo-option', on && 'photo-option--on')}
                aria-pressed={on}
                aria-label={`Use photo ${index + 1} as a reference`}
                disabled={disabled || (!on && full)}
                onClick={() => toggle(ref)}
              >
                <img src={image.preview_url} alt="" loading="lazy" />
                {on && (
                  <span className="photo-option-check" aria-hidden="true">
                    <CheckIcon width={14} height={14} />
                  </span>
                )}
              </button>
            </li>
          );
        })}
        {others.map((ref) => (
          <li key={ref.id}>
            <span className="photo-option photo-option--on">
              <img src={ref.previewUrl} alt={ref.label} loading="lazy" />
              <button type="button" className="photo-option-remove" aria-label={`Remove ${ref.label}`} onClick={() => toggle(ref)} disabled={disabled}>
                <CloseIcon width={14} height={14} />
              </button>
            </span>
          </li>
        ))}
        <li>
          <button type="button" className="photo-option photo-option--add" onClick={() => setBrowsing(true)} disabled={disabled || full}>
            <PlusIcon />
            <span>Other products</span>
          </button>
        </li>
      </ul>
      {own.length === 0 && others.length === 0 && (
        <p className="field-hint">This product has no other photo: pick photos of other products whose look to borrow.</p>
      )}
      {error && <p className="field-error">{error}</p>}
      <OtherProductsDialog
        open={browsing}
        excludeProductId={product.id}
        selected={selected}
        max={max}
        onClose={() => setBrowsing(false)}
        onToggle={toggle}
      />
    </div>
  );
}

function useDebounced<T>(value: T, delay = 300): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return debounced;
}

interface OtherProductsDialogProps {
  open: boolean;
  excludeProductId: string;
  selected: ReferenceImage[];
  max: number;
  onClose: () => void;
  onToggle: (ref: ReferenceImage) => void;
}

function OtherProductsDialog({ open, excludeProductId, selected, max, onClose, onToggle }: OtherProductsDialogProps) {
  const [search, setSearch] = useState('');
  const query = useDebounced(search.trim());
  return (
    <Dialog
      open={open}
      title="Reference photos from other products"
      description={`Pick up to ${max} photos whose look, materials or setting the scene should borrow.`}
      onClose={onClose}
      footer={
        <Button variant="primary" onClick={onClose}>
          Done
        </Button>
      }
    >
      <div className="reference-dialog">
        <Input type="search" aria-label="Search products" placeholder="Search products" value={search} onChange={(event) => setSearch(event.target.value)} data-autofocus />
        {open && <OtherProducts query={query} excludeProductId={excludeProductId} selected={selected} max={max} onToggle={onToggle} />}
      </div>
    </Dialog>
  );
}

function OtherProducts({ query, excludeProductId, selected, max, onToggle }: Omit<OtherProductsDialogProps, 'open' | 'onClose'> & { query: string }) {
  const products = useProducts(query ? { query } : {});
  if (products.isPending) return <LoadingBlock label="Loading products" />;
  if (products.isError) return <ErrorState error={products.error} what="products" onRetry={() => void products.refetch()} retrying={products.isFetching} />;
  const rows = products.data.pages.flatMap((page) => page.items).filter((p) => p.id !== excludeProductId && p.images.length > 0);
  if (rows.length === 0)
    return <EmptyState title={query ? 'No products match' : 'No other products with photos'} description={query ? 'Try other words.' : 'Photos of your other products show up here.'} />;
  const ids = new Set(selected.map((image) => image.id));
  const full = selected.length >= max;
  return (
    <div className="reference-products">
      {rows.map((product) => (
        <section key={product.id} className="reference-product">
          <h3 className="reference-product-name">{product.name}</h3>
          <ul className="photo-options photo-options--sm">
            {product.images.map((image, index) => {
              const on = ids.has(image.id);
              const ref = referenceOf(product, image, index);
              return (
                <li key={image.id}>
                  <button
                    type="button"
                    className={cx('photo-option', on && 'photo-option--on')}
                    aria-pressed={on}
                    aria-label={`Use ${ref.label} as a reference`}
                    disabled={!on && full}
                    onClick={() => onToggle(ref)}
                  >
                    <img src={image.preview_url} alt="" loading="lazy" />
                    {on && (
                      <span className="photo-option-check" aria-hidden="true">
                        <CheckIcon width={14} height={14} />
                      </span>
                    )}
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
      {products.hasNextPage && (
        <div className="list-more">
          <Button onClick={() => void products.fetchNextPage()} loading={products.isFetchingNextPage}>
            Load more
          </Button>
        </div>
      )}
    </div>
  );
}
