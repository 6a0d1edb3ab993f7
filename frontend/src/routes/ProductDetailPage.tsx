import { useState } from 'react';
import { Link, useParams } from 'react-router';

import { SparklesIcon } from '@/components/icons';
import { Alert, Badge, Button, buttonClass, Card, ConfirmDialog, EmptyState, ErrorState, LoadingBlock } from '@/components/ui';
import { useSession } from '@/features/auth/session';
import { useArchiveProduct, useProduct, useRestoreProduct, useUpdateProduct } from '@/features/products/hooks';
import { ProductForm } from '@/features/products/ProductForm';
import { ProductImages } from '@/features/products/ProductImages';
import { formatDateTime } from '@/lib/format';
import { errorStatus, parseError } from '@/lib/problem';
import { canWrite } from '@/lib/roles';

import { PageHeader } from './PageHeader';

export function ProductDetailPage() {
  const { productId = '' } = useParams();
  const me = useSession();
  const writable = canWrite(me.role);
  const product = useProduct(productId);
  const updateProduct = useUpdateProduct();
  const archive = useArchiveProduct();
  const restore = useRestoreProduct();
  const [archiving, setArchiving] = useState(false);
  const [saved, setSaved] = useState(false);

  if (product.isPending) return <LoadingBlock label="Loading product" />;
  if (product.isError) {
    if (errorStatus(product.error) === 404)
      return (
        <div className="card">
          <EmptyState
            title="Product not found"
            description="It may have been removed, or it belongs to another workspace."
            action={<Link to="/products">Back to products</Link>}
          />
        </div>
      );
    return <ErrorState error={product.error} what="the product" onRetry={() => void product.refetch()} retrying={product.isFetching} />;
  }
  const data = product.data;

  return (
    <>
      <p className="breadcrumb">
        <Link to="/products">Products</Link> <span aria-hidden="true">/</span>
      </p>
      <PageHeader
        title={data.name}
        description={
          <>
            {data.source === 'imported' ? 'Imported' : 'Uploaded'} · added {formatDateTime(data.created_at)}
            {data.archived && (
              <>
                {' '}
                <Badge tone="warning">Archived</Badge>
              </>
            )}
          </>
        }
        actions={
          <div className="button-row">
            {writable &&
              (data.archived ? (
                <Button onClick={() => restore.mutate({ path: { product_id: data.id } })} loading={restore.isPending}>
                  Restore
                </Button>
              ) : (
                <Button variant="danger" onClick={() => setArchiving(true)}>
                  Archive
                </Button>
              ))}
            <Link to={`/assets?product=${data.id}`} className={buttonClass('secondary')}>
              View images
            </Link>
            {!data.archived && (
              <Link to={`/studio?product=${data.id}`} className={buttonClass('primary')}>
                <SparklesIcon /> Open in studio
              </Link>
            )}
          </div>
        }
      />
      {restore.isError && (
        <Alert tone="error" title="Couldn't restore the product">
          {parseError(restore.error).message}
        </Alert>
      )}
      <div className="product-detail">
        <Card title="Photos" description="The primary photo is the one the Studio starts from.">
          <ProductImages product={data} writable={writable} />
        </Card>
        <Card title="Details">
          <ProductForm
            key={data.id}
            product={data}
            submitLabel="Save changes"
            pending={updateProduct.isPending}
            error={updateProduct.error}
            readOnly={!writable}
            onSubmit={(body) => {
              setSaved(false);
              updateProduct.mutate({ path: { product_id: data.id }, body }, { onSuccess: () => setSaved(true) });
            }}
          />
          {saved && !updateProduct.isPending && (
            <p role="status" className="form-success">
              Saved.
            </p>
          )}
        </Card>
      </div>
      <ConfirmDialog
        open={archiving}
        title={`Archive ${data.name}?`}
        description="It leaves the catalog and frees its product slot. Its photos stay, and you can restore it any time."
        confirmLabel="Archive product"
        pending={archive.isPending}
        error={archive.isError ? parseError(archive.error).message : null}
        onCancel={() => {
          setArchiving(false);
          archive.reset();
        }}
        onConfirm={() => archive.mutate({ path: { product_id: data.id } }, { onSuccess: () => setArchiving(false) })}
      />
    </>
  );
}
