import { ImageIcon } from '@/components/icons';
import { Button, EmptyState, ErrorState, LoadingBlock } from '@/components/ui';
import { AssetGrid } from '@/features/assets/AssetGrid';
import { useAssets } from '@/features/assets/hooks';

interface ResultsGalleryProps {
  productId: string;
  onOpen: (assetId: string) => void;
}

/** Every image made of this product, newest first. */
export function ResultsGallery({ productId, onOpen }: ResultsGalleryProps) {
  const assets = useAssets({ product_id: productId });
  const rows = assets.data?.pages.flatMap((page) => page.items) ?? [];
  let body;
  if (assets.isPending) body = <LoadingBlock label="Loading images" />;
  else if (assets.isError)
    body = <ErrorState error={assets.error} what="the images of this product" onRetry={() => void assets.refetch()} retrying={assets.isFetching} />;
  else if (rows.length === 0)
    body = (
      <EmptyState
        icon={<ImageIcon />}
        title="No images of this product yet"
        description="Choose a scene above and generate: the results collect here, with a before-and-after view."
      />
    );
  else
    body = (
      <>
        <AssetGrid assets={rows} onOpen={onOpen} label="Results" />
        {assets.hasNextPage && (
          <div className="list-more">
            <Button onClick={() => void assets.fetchNextPage()} loading={assets.isFetchingNextPage}>
              Load more
            </Button>
          </div>
        )}
      </>
    );
  return body;
}
