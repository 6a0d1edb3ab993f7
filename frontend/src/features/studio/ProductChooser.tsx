import { useEffect, useState } from 'react';
import { Link } from 'react-router';

import { BoxIcon } from '@/components/icons';
import { Button, EmptyState, ErrorState, Input, LoadingBlock } from '@/components/ui';
import { primaryImage, useProducts } from '@/features/products/hooks';
import { PhotoIcon } from '@/features/products/icons';

function useDebounced<T>(value: T, delay = 300): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return debounced;
}

/** The Studio without a product yet: pick the one to stage. */
export function ProductChooser() {
  const [search, setSearch] = useState('');
  const query = useDebounced(search.trim());
  const products = useProducts(query ? { query } : {});
  const rows = products.data?.pages.flatMap((page) => page.items) ?? [];

  let body;
  if (products.isPending) body = <LoadingBlock label="Loading products" />;
  else if (products.isError)
    body = <ErrorState error={products.error} what="products" onRetry={() => void products.refetch()} retrying={products.isFetching} />;
  else if (rows.length === 0)
    body = query ? (
      <EmptyState title="No products match" description="Try other words." />
    ) : (
      <EmptyState
        icon={<BoxIcon />}
        title="No products yet"
        description="Add a product with a photo, then come back to stage it."
        action={<Link to="/products">Go to products</Link>}
      />
    );
  else
    body = (
      <>
        <ul className="product-grid" aria-label="Products to stage">
          {rows.map((product) => {
            const image = primaryImage(product);
            return (
              <li key={product.id} className="product-card">
                <Link to={`/studio?product=${product.id}`} className="product-card-link">
                  <span className="thumb thumb--lg">
                    {image ? <img src={image.preview_url} alt="" loading="lazy" /> : <PhotoIcon aria-hidden="true" />}
                  </span>
                  <span className="product-card-body">
                    <span className="product-card-name">{product.name}</span>
                    <span className="product-card-meta">
                      {product.images.length === 0 ? 'Needs a photo first' : `${product.images.length} ${product.images.length === 1 ? 'photo' : 'photos'}`}
                    </span>
                  </span>
                </Link>
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
    <section className="card" aria-label="Choose a product">
      <div className="toolbar" role="search">
        <Input
          className="toolbar-search"
          type="search"
          placeholder="Search name, SKU or description"
          aria-label="Search products"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
      </div>
      {body}
    </section>
  );
}
