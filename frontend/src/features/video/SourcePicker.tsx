import { useEffect, useState } from 'react';
import { Link } from 'react-router';

import { ImageIcon } from '@/components/icons';
import { Button, EmptyState, ErrorState, Input, LoadingBlock } from '@/components/ui';
import { useAssetNames } from '@/features/assets/AssetGrid';
import { useAssets } from '@/features/assets/hooks';
import { primaryImage, useProduct, useProducts } from '@/features/products/hooks';
import { PhotoIcon } from '@/features/products/icons';
import { BaseImagePicker } from '@/features/studio/ImagePickers';
import { CheckIcon } from '@/features/studio/icons';
import { cx } from '@/lib/cx';
import { errorStatus } from '@/lib/problem';

import type { SourceKind, VideoChoices } from './video';

type SourceChoices = Pick<VideoChoices, 'source' | 'productId' | 'baseImageId' | 'assetId'>;

interface SourcePickerProps {
  choices: SourceChoices;
  onChange: (changes: Partial<SourceChoices>) => void;
  error?: string | null;
  disabled?: boolean;
}

function useDebounced<T>(value: T, delay = 300): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return debounced;
}

const KINDS: { value: SourceKind; label: string }[] = [
  { value: 'product', label: 'A product photo' },
  { value: 'asset', label: 'An image from your assets' },
];

/** The still a clip starts from: one of a product's photos, or an image already in the workspace's assets. */
export function SourcePicker({ choices, onChange, error, disabled }: SourcePickerProps) {
  return (
    <div className="stack source-picker">
      <div className="segmented" role="group" aria-label="Start from">
        {KINDS.map((kind) => (
          <button
            key={kind.value}
            type="button"
            className={cx('segmented-item', choices.source === kind.value && 'segmented-item--active')}
            aria-pressed={choices.source === kind.value}
            onClick={() => onChange({ source: kind.value })}
            disabled={disabled}
          >
            {kind.label}
          </button>
        ))}
      </div>
      {choices.source === 'product' ? (
        choices.productId ? (
          <ChosenProduct
            productId={choices.productId}
            baseImageId={choices.baseImageId}
            onPhoto={(baseImageId) => onChange({ baseImageId })}
            onClear={() => onChange({ productId: null, baseImageId: null })}
            disabled={disabled}
          />
        ) : (
          <ProductList onPick={(productId) => onChange({ productId, baseImageId: null })} disabled={disabled} />
        )
      ) : (
        <AssetList value={choices.assetId} onPick={(assetId) => onChange({ assetId })} disabled={disabled} />
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function ChosenProduct({
  productId,
  baseImageId,
  onPhoto,
  onClear,
  disabled,
}: {
  productId: string;
  baseImageId: string | null;
  onPhoto: (imageId: string) => void;
  onClear: () => void;
  disabled?: boolean;
}) {
  const product = useProduct(productId);
  if (product.isPending) return <LoadingBlock label="Loading the product" />;
  if (product.isError) {
    const gone = errorStatus(product.error) === 404 || errorStatus(product.error) === 422;
    if (!gone) return <ErrorState error={product.error} what="the product" onRetry={() => void product.refetch()} retrying={product.isFetching} />;
    return (
      <EmptyState
        title="Product not found"
        description="It may have been removed, or it belongs to another workspace."
        action={<Button onClick={onClear}>Choose another product</Button>}
      />
    );
  }
  const data = product.data;
  const chosen = data.images.find((image) => image.id === baseImageId) ?? primaryImage(data);
  return (
    <div className="stack">
      <div className="source-product">
        <span className="source-product-name">{data.name}</span>
        {data.archived && <span className="muted">Archived: restore it to animate it.</span>}
        <Button size="sm" variant="ghost" onClick={onClear} disabled={disabled}>
          Choose another product
        </Button>
      </div>
      <BaseImagePicker product={data} value={chosen?.id ?? null} onChange={onPhoto} disabled={disabled} />
    </div>
  );
}

function ProductList({ onPick, disabled }: { onPick: (productId: string) => void; disabled?: boolean }) {
  const [search, setSearch] = useState('');
  const query = useDebounced(search.trim());
  const products = useProducts(query ? { query } : {});
  const rows = products.data?.pages.flatMap((page) => page.items).filter((product) => !product.archived) ?? [];
  let body;
  if (products.isPending) body = <LoadingBlock label="Loading products" />;
  else if (products.isError) body = <ErrorState error={products.error} what="products" onRetry={() => void products.refetch()} retrying={products.isFetching} />;
  else if (rows.length === 0)
    body = query ? (
      <EmptyState title="No products match" description="Try other words." />
    ) : (
      <EmptyState
        icon={<PhotoIcon />}
        title="No products yet"
        description="Add a product with a photo, or start from an image in your assets."
        action={<Link to="/products">Go to products</Link>}
      />
    );
  else
    body = (
      <>
        <ul className="source-products" aria-label="Products">
          {rows.map((product) => {
            const image = primaryImage(product);
            return (
              <li key={product.id}>
                <button type="button" className="source-product-option" onClick={() => onPick(product.id)} disabled={disabled || !image}>
                  <span className="thumb">{image ? <img src={image.preview_url} alt="" loading="lazy" /> : <PhotoIcon aria-hidden="true" />}</span>
                  <span className="source-product-text">
                    <span className="cell-primary">{product.name}</span>
                    <span className="cell-secondary">
                      {image ? `${product.images.length} ${product.images.length === 1 ? 'photo' : 'photos'}` : 'Needs a photo first'}
                    </span>
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
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
    <div className="stack">
      <Input type="search" aria-label="Search products" placeholder="Search products" value={search} onChange={(event) => setSearch(event.target.value)} />
      {body}
    </div>
  );
}

function AssetList({ value, onPick, disabled }: { value: string | null; onPick: (assetId: string) => void; disabled?: boolean }) {
  const assets = useAssets({ type: 'image' });
  const nameOf = useAssetNames();
  const rows = assets.data?.pages.flatMap((page) => page.items) ?? [];
  if (assets.isPending) return <LoadingBlock label="Loading your images" />;
  if (assets.isError) return <ErrorState error={assets.error} what="your images" onRetry={() => void assets.refetch()} retrying={assets.isFetching} />;
  if (rows.length === 0)
    return (
      <EmptyState
        icon={<ImageIcon />}
        title="No images yet"
        description="Images you generate land in your assets; start from a product photo instead."
        action={<Link to="/studio">Generate images</Link>}
      />
    );
  return (
    <fieldset className="photo-picker" disabled={disabled}>
      <legend className="visually-hidden">Image to animate</legend>
      <div className="photo-options source-assets">
        {rows.map((asset) => {
          const on = asset.id === value;
          return (
            <label key={asset.id} className={cx('photo-option', on && 'photo-option--on')}>
              <input
                type="radio"
                className="choice-input"
                name="source-asset"
                value={asset.id}
                checked={on}
                onChange={() => onPick(asset.id)}
                aria-label={`${nameOf(asset)}${asset.parent_id ? ', edited' : ''}`}
              />
              <img src={asset.preview_url} alt="" loading="lazy" />
              {on && (
                <span className="photo-option-check" aria-hidden="true">
                  <CheckIcon width={14} height={14} />
                </span>
              )}
            </label>
          );
        })}
      </div>
      {assets.hasNextPage && (
        <div className="list-more">
          <Button onClick={() => void assets.fetchNextPage()} loading={assets.isFetchingNextPage}>
            Load more
          </Button>
        </div>
      )}
    </fieldset>
  );
}
