import { Card } from '@/components/ui';
import { parseError } from '@/lib/problem';

import { Dropzone } from './Dropzone';
import { useAddProductImage, useArchiveProduct, useCreateProduct } from './hooks';
import { UploadQueueList } from './UploadQueueList';
import { useUploadQueue } from './useUploadQueue';

/** Drop photos to create products: each file becomes a product named after it, with the file as its image. */
export function NewProductsUpload({ disabled }: { disabled: boolean }) {
  const create = useCreateProduct();
  const addImage = useAddProductImage();
  const archive = useArchiveProduct();
  const { items, dispatch, addFiles } = useUploadQueue({
    createProduct: async (name) => (await create.mutateAsync({ body: { name } })).id,
    uploadImage: async (productId, file) => {
      await addImage.mutateAsync({ path: { product_id: productId }, body: { file } });
    },
    discardProduct: async (productId) => {
      await archive.mutateAsync({ path: { product_id: productId } });
    },
    describeError: (error) => parseError(error).message,
  });
  return (
    <Card title="Upload products" description="Each photo becomes a product named after the file; rename it later.">
      <Dropzone
        label="Drop product photos here"
        hint="JPEG, PNG, WebP, GIF or AVIF, up to 15 MB and 40 megapixels each. Many at once is fine."
        onFiles={addFiles}
        disabled={disabled}
      />
      <UploadQueueList items={items} dispatch={dispatch} linkToProducts />
    </Card>
  );
}
