import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';

import { listProductsInfiniteOptions } from '@/client/@tanstack/react-query.gen';
import { Alert, Button, ErrorState, Input, LoadingBlock } from '@/components/ui';
import { type Product, primaryImage } from '@/features/products/hooks';
import { cx } from '@/lib/cx';
import { formatDate } from '@/lib/format';

import { billingErrorMessage } from './errors';
import { useKeepProducts } from './hooks';
import { initialKeep, keepSummary, toggleKeep } from './keep';
import { formatNumber, plural } from './plans';

/** Every active product of the workspace (pages of 200, fetched until there are no more). */
function useActiveProducts() {
  const query = useInfiniteQuery({
    ...listProductsInfiniteOptions({ query: { limit: 200 } }),
    initialPageParam: {},
    getNextPageParam: (page: { next_cursor?: string | null }) => page.next_cursor ?? undefined,
  });
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const products = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data]);
  return { ...query, products, complete: query.isSuccess && !hasNextPage };
}

interface KeepProductsReviewProps {
  planName: string;
  slots: number;
  /** When the downgrade applies (and the others are archived). */
  appliesAt: string | null;
  /** An earlier choice, if one was saved. */
  chosen?: readonly string[] | null;
  onSaved: () => void;
  onCancel: () => void;
  cancelLabel?: string;
}

/**
 * Which products stay active after a downgrade: the merchant ticks up to the new plan's slots; the others are
 * archived when the downgrade applies, never deleted. Saved with POST /billing/subscription/keep-products.
 */
export function KeepProductsReview(props: KeepProductsReviewProps) {
  const active = useActiveProducts();
  if (active.isError)
    return <ErrorState error={active.error} what="your products" onRetry={() => void active.refetch()} retrying={active.isFetching} />;
  if (!active.complete) return <LoadingBlock label="Loading your products" />;
  return <KeepProductsForm {...props} products={active.products} />;
}

function KeepProductsForm({
  planName,
  slots,
  appliesAt,
  chosen,
  products,
  onSaved,
  onCancel,
  cancelLabel = 'Decide later',
}: KeepProductsReviewProps & { products: Product[] }) {
  const [selected, setSelected] = useState<Set<string>>(() => new Set(initialKeep(products, slots, chosen)));
  const [filter, setFilter] = useState('');
  const keep = useKeepProducts();
  const summary = keepSummary(products.length, selected.size, slots);
  const needle = filter.trim().toLowerCase();
  const shown = needle
    ? products.filter((product) => `${product.name} ${product.sku ?? ''}`.toLowerCase().includes(needle))
    : products;
  const when = appliesAt ? formatDate(appliesAt) : 'the end of this period';

  const save = () =>
    keep.mutate({ body: { product_ids: [...selected] } }, { onSuccess: () => onSaved() });

  return (
    <div className="keep-review">
      <p className="keep-review-intro">
        {planName} has {plural(slots, 'product slot')} and you have {plural(products.length, 'active product')}. Tick the
        ones that stay active; on {when} the other {plural(summary.archived, 'product')} {summary.archived === 1 ? 'is' : 'are'}{' '}
        archived. Archived products are never deleted: restore them any time you have free slots.
      </p>
      <div className="keep-review-bar">
        <p className={cx('keep-review-count', summary.full && 'keep-review-count--full')} aria-live="polite">
          <strong>
            {formatNumber(summary.chosen)} of {formatNumber(slots)}
          </strong>{' '}
          chosen to stay
          {summary.filledByAge > 0 && <span className="muted"> · {formatNumber(summary.filledByAge)} left to your oldest products</span>}
        </p>
        <div className="button-row">
          <Button size="sm" variant="ghost" onClick={() => setSelected(new Set(initialKeep(products, slots)))}>
            Oldest first
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setSelected(new Set())}>
            Clear
          </Button>
        </div>
      </div>
      {products.length > 8 && (
        <Input
          type="search"
          placeholder="Find a product"
          aria-label="Find a product"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
        />
      )}
      <ul className="keep-list" aria-label="Products to keep">
        {shown.map((product) => {
          const checked = selected.has(product.id);
          const image = primaryImage(product);
          return (
            <li key={product.id}>
              <label className={cx('keep-item', checked && 'keep-item--checked')}>
                <input
                  type="checkbox"
                  checked={checked}
                  disabled={!checked && summary.full}
                  onChange={() => setSelected((current) => toggleKeep(current, product.id, slots))}
                />
                <span className="thumb thumb--sm">
                  {image && <img src={image.preview_url} alt="" loading="lazy" />}
                </span>
                <span className="keep-item-text">
                  <span className="keep-item-name">{product.name}</span>
                  <span className="keep-item-meta">
                    {product.sku ? `${product.sku} · ` : ''}added {formatDate(product.created_at)}
                  </span>
                </span>
              </label>
            </li>
          );
        })}
        {shown.length === 0 && <li className="muted keep-empty">No product matches “{filter}”.</li>}
      </ul>
      {keep.isError && <Alert tone="error">{billingErrorMessage(keep.error)}</Alert>}
      <div className="dialog-footer">
        <Button onClick={onCancel} disabled={keep.isPending}>
          {cancelLabel}
        </Button>
        <Button variant="primary" onClick={save} loading={keep.isPending}>
          Keep {plural(summary.chosen, 'product')}
        </Button>
      </div>
    </div>
  );
}
