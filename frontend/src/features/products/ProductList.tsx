import { Link } from 'react-router';

import { SparklesIcon } from '@/components/icons';
import { Badge, Table } from '@/components/ui';
import { formatDate } from '@/lib/format';

import { type Product, primaryImage } from './hooks';
import { PhotoIcon } from './icons';
import { formatPrice } from './price';

// The "Studio" shortcut on each card is styled by the Studio's sheet.
import '@/features/studio/studio.css';

function Thumbnail({ product, size }: { product: Product; size: 'lg' | 'sm' }) {
  const image = primaryImage(product);
  return (
    <span className={`thumb thumb--${size}`}>
      {image ? (
        <img src={image.preview_url} alt="" loading="lazy" width={image.width} height={image.height} />
      ) : (
        <PhotoIcon aria-hidden="true" />
      )}
    </span>
  );
}

function primaryCategory(product: Product) {
  return product.categories.find((c) => c.is_primary)?.name;
}

export function ProductGrid({ products }: { products: Product[] }) {
  return (
    <ul className="product-grid" aria-label="Products">
      {products.map((product) => (
        <li key={product.id} className="product-card">
          <Link to={`/products/${product.id}`} className="product-card-link">
            <Thumbnail product={product} size="lg" />
            <span className="product-card-body">
              <span className="product-card-name" id={`product-name-${product.id}`}>
                {product.name}
              </span>
              <span className="product-card-meta">
                {primaryCategory(product) ?? 'No category'} · {product.images.length}{' '}
                {product.images.length === 1 ? 'image' : 'images'}
              </span>
            </span>
          </Link>
          {!product.archived && product.images.length > 0 && (
            <Link
              to={`/studio?product=${product.id}`}
              className="product-card-studio"
              aria-label="Open in studio"
              aria-describedby={`product-name-${product.id}`}
              title="Open in studio"
            >
              <SparklesIcon width={16} height={16} />
              Studio
            </Link>
          )}
          {product.archived && (
            <span className="product-card-badge">
              <Badge tone="warning">Archived</Badge>
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

export function ProductTable({ products }: { products: Product[] }) {
  return (
    <Table
      caption="Products"
      head={
        <tr>
          <th scope="col">Product</th>
          <th scope="col">SKU</th>
          <th scope="col">Category</th>
          <th scope="col">Price</th>
          <th scope="col">Images</th>
          <th scope="col">Source</th>
          <th scope="col">Added</th>
        </tr>
      }
    >
      {products.map((product) => (
        <tr key={product.id}>
          <td>
            <Link to={`/products/${product.id}`} className="cell-inline product-row-link">
              <Thumbnail product={product} size="sm" />
              <span className="cell-primary">{product.name}</span>
              {product.archived && <Badge tone="warning">Archived</Badge>}
            </Link>
          </td>
          <td className="cell-nowrap">{product.sku ?? '—'}</td>
          <td>{primaryCategory(product) ?? '—'}</td>
          <td className="cell-nowrap">{formatPrice(product.price_minor, product.currency)}</td>
          <td>{product.images.length}</td>
          <td>
            <Badge tone={product.source === 'imported' ? 'accent' : 'neutral'}>
              {product.source === 'imported' ? 'Imported' : 'Uploaded'}
            </Badge>
          </td>
          <td className="cell-nowrap">{formatDate(product.created_at)}</td>
        </tr>
      ))}
    </Table>
  );
}
