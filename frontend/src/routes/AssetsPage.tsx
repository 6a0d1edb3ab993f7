import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';

import { ImageIcon } from '@/components/icons';
import { Button, buttonClass, EmptyState, ErrorState, LoadingBlock, Select } from '@/components/ui';
import { AssetGrid } from '@/features/assets/AssetGrid';
import { AssetLightbox } from '@/features/assets/AssetLightbox';
import { useAssetProduct, useAssets } from '@/features/assets/hooks';
import { useProducts } from '@/features/products/hooks';

import { PageHeader } from './PageHeader';

import '@/features/assets/assets.css';

/** Products offered in the filter: the first page is plenty for a menu; a linked product is added if missing. */
const FILTER_PRODUCTS = 200;

export function AssetsPage() {
  const [params, setParams] = useSearchParams();
  const productId = params.get('product') ?? '';
  const [open, setOpen] = useState<string | null>(null);
  const assets = useAssets(productId ? { product_id: productId } : {});
  const products = useProducts({ limit: FILTER_PRODUCTS });
  const linked = useAssetProduct(productId || null);
  const productRows = products.data?.pages.flatMap((page) => page.items) ?? [];
  const names = new Map(productRows.map((product) => [product.id, product.name]));
  if (linked.data) names.set(linked.data.id, linked.data.name);
  const rows = assets.data?.pages.flatMap((page) => page.items) ?? [];

  const setProduct = (id: string) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (id) next.set('product', id);
        else next.delete('product');
        return next;
      },
      { replace: true },
    );

  let body;
  if (assets.isPending) body = <LoadingBlock label="Loading assets" />;
  else if (assets.isError)
    body = <ErrorState error={assets.error} what="assets" onRetry={() => void assets.refetch()} retrying={assets.isFetching} />;
  else if (rows.length === 0)
    body = productId ? (
      <EmptyState
        icon={<ImageIcon />}
        title={`No images of ${names.get(productId) ?? 'this product'} yet`}
        description="Open it in the Studio to generate some, or show every product's images."
        action={
          <div className="button-row">
            <Link to={`/studio?product=${productId}`} className={buttonClass('primary')}>
              Open in Studio
            </Link>
            <Button onClick={() => setProduct('')}>Show all products</Button>
          </div>
        }
      />
    ) : (
      <EmptyState
        icon={<ImageIcon />}
        title="No assets yet"
        description="Every image you generate lands here, ready to review and download."
        action={
          <Link to="/studio" className={buttonClass('primary')}>
            Open the Studio
          </Link>
        }
      />
    );
  else
    body = (
      <>
        <AssetGrid assets={rows} onOpen={setOpen} productNames={names} label="Assets" />
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
        description="Every image you generated, newest first. Open one to compare it with the product photo and see how it was made."
        actions={
          <Link to="/studio" className={buttonClass('primary')}>
            Open the Studio
          </Link>
        }
      />
      <section className="card" aria-label="Asset library">
        <div className="toolbar">
          <Select aria-label="Product" className="select--compact asset-filter" value={productId} onChange={(event) => setProduct(event.target.value)}>
            <option value="">All products</option>
            {productId && !productRows.some((p) => p.id === productId) && <option value={productId}>{names.get(productId) ?? 'This product'}</option>}
            {productRows.map((product) => (
              <option key={product.id} value={product.id}>
                {product.name}
              </option>
            ))}
          </Select>
          {rows.length > 0 && (
            <span className="muted asset-count">
              {rows.length}
              {assets.hasNextPage ? '+' : ''} {rows.length === 1 ? 'image' : 'images'}
            </span>
          )}
        </div>
        {body}
      </section>
      <AssetLightbox assetId={open} order={rows.map((asset) => asset.id)} onNavigate={setOpen} onClose={() => setOpen(null)} />
    </>
  );
}
