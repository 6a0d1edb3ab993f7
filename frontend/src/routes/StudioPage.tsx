import { Link, useSearchParams } from 'react-router';

import { EmptyState, ErrorState, LoadingBlock } from '@/components/ui';
import { StudioTabs } from '@/features/collections/StudioTabs';
import { useProduct } from '@/features/products/hooks';
import { ProductChooser } from '@/features/studio/ProductChooser';
import { Studio } from '@/features/studio/Studio';
import { VideoStudio } from '@/features/video/VideoStudio';
import { errorStatus } from '@/lib/problem';

import { PageHeader } from './PageHeader';

import '@/features/studio/studio.css';
import '@/features/assets/assets.css';

export function StudioPage() {
  const [params] = useSearchParams();
  const productId = params.get('product');
  if (!productId)
    return (
      <>
        <PageHeader title="Studio" description="Choose a product to stage: pick a scene and a style, see the cost, and generate lifestyle images." />
        <StudioTabs />
        <ProductChooser />
      </>
    );
  return <ProductStudio productId={productId} />;
}

function ProductStudio({ productId }: { productId: string }) {
  const product = useProduct(productId);
  if (product.isPending) return <LoadingBlock label="Loading the product" />;
  if (product.isError) {
    if (errorStatus(product.error) === 404 || errorStatus(product.error) === 422)
      return (
        <>
          <PageHeader title="Studio" />
          <div className="card">
            <EmptyState
              title="Product not found"
              description="It may have been removed, or it belongs to another workspace."
              action={<Link to="/studio">Choose another product</Link>}
            />
          </div>
        </>
      );
    return <ErrorState error={product.error} what="the product" onRetry={() => void product.refetch()} retrying={product.isFetching} />;
  }
  const data = product.data;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/products">Products</Link> <span aria-hidden="true">/</span> <Link to={`/products/${data.id}`}>{data.name}</Link>{' '}
        <span aria-hidden="true">/</span>
      </p>
      <PageHeader
        title={`Studio: ${data.name}`}
        description="Pick a scene and a style, check the cost, and generate. Results collect below."
        actions={<Link to="/studio">Choose another product</Link>}
      />
      <Studio product={data} />
    </>
  );
}

/** The Studio's Video tab: animate a product photo or an image into a short clip, then watch and edit it. */
export function VideoStudioPage() {
  return (
    <>
      <PageHeader title="Studio" description="Turn a product photo or one of your images into a short clip: choose the camera motion, length and shape, check the cost, and generate." />
      <StudioTabs />
      <VideoStudio />
    </>
  );
}
