import { type FormEvent, useState } from 'react';

import { Badge, Button, ConfirmDialog, EmptyState, FormError, TextField } from '@/components/ui';
import { formErrors, parseError } from '@/lib/problem';

import { Dropzone } from './Dropzone';
import { type Product, type ProductImage, useAddProductImage, useDeleteProductImage, useUpdateProductImage } from './hooks';
import { ArrowLeftIcon, ArrowRightIcon, PhotoIcon, StarIcon, TrashIcon } from './icons';
import { UploadQueueList } from './UploadQueueList';
import { useUploadQueue } from './useUploadQueue';

/** The product's photos: add (files or a URL), reorder, choose the primary one, delete. */
export function ProductImages({ product, writable }: { product: Product; writable: boolean }) {
  const addImage = useAddProductImage();
  const update = useUpdateProductImage();
  const remove = useDeleteProductImage();
  const [deleting, setDeleting] = useState<ProductImage | null>(null);
  const images = product.images;
  const { items, dispatch, addFiles } = useUploadQueue(
    {
      createProduct: () => Promise.reject(new Error('adding to an existing product')),
      uploadImage: async (productId, file) => {
        await addImage.mutateAsync({ path: { product_id: productId }, body: { file } });
      },
      discardProduct: () => Promise.resolve(),
      describeError: (error) => parseError(error).message,
    },
    product.id,
  );

  const move = (image: ProductImage, position: number) =>
    update.mutate({ path: { product_id: product.id, image_id: image.id }, body: { position } });
  const closeDelete = () => {
    setDeleting(null);
    remove.reset();
  };

  return (
    <div className="stack">
      {update.isError && <FormError message={parseError(update.error).message} />}
      {images.length === 0 ? (
        <EmptyState icon={<PhotoIcon />} title="No photos yet" description="Add at least one photo to use this product in the Studio." />
      ) : (
        <ol className="image-grid" aria-label="Product images">
          {images.map((image, index) => (
            <li key={image.id} className="image-tile">
              <figure className="image-tile-figure">
                <img src={image.preview_url} alt={`${product.name}, photo ${index + 1}`} width={image.width} height={image.height} />
                <figcaption className="image-tile-caption">
                  {image.is_primary && (
                    <Badge tone="accent">
                      <StarIcon width={12} height={12} /> Primary
                    </Badge>
                  )}
                  <span className="muted">
                    {image.width} × {image.height}
                  </span>
                </figcaption>
              </figure>
              {writable && (
                <div className="image-tile-actions">
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Move photo ${index + 1} earlier`}
                    disabled={index === 0 || update.isPending}
                    onClick={() => move(image, index - 1)}
                  >
                    <ArrowLeftIcon />
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Move photo ${index + 1} later`}
                    disabled={index === images.length - 1 || update.isPending}
                    onClick={() => move(image, index + 1)}
                  >
                    <ArrowRightIcon />
                  </Button>
                  {!image.is_primary && (
                    <Button
                      size="sm"
                      variant="ghost"
                      disabled={update.isPending}
                      onClick={() =>
                        update.mutate({ path: { product_id: product.id, image_id: image.id }, body: { is_primary: true } })
                      }
                    >
                      Set as primary
                    </Button>
                  )}
                  <Button size="sm" variant="ghost" aria-label={`Delete photo ${index + 1}`} onClick={() => setDeleting(image)}>
                    <TrashIcon />
                  </Button>
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
      {writable && (
        <>
          <Dropzone label="Add photos" hint="Drop files here; JPEG, PNG, WebP, GIF or AVIF up to 15 MB." onFiles={addFiles} compact />
          <UploadQueueList items={items} dispatch={dispatch} />
          <ImportFromUrl productId={product.id} />
        </>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this photo?"
        description={
          deleting?.is_primary && images.length > 1
            ? 'It is the primary photo; the next one becomes primary. The file is deleted for good.'
            : 'The file is deleted for good.'
        }
        confirmLabel="Delete photo"
        pending={remove.isPending}
        error={remove.isError ? parseError(remove.error).message : null}
        onCancel={closeDelete}
        onConfirm={() => {
          if (!deleting) return;
          remove.mutate({ path: { product_id: product.id, image_id: deleting.id } }, { onSuccess: closeDelete });
        }}
      />
    </div>
  );
}

function ImportFromUrl({ productId }: { productId: string }) {
  const addImage = useAddProductImage();
  const [url, setUrl] = useState('');
  const errors = formErrors(addImage.error, ['url'] as const);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    addImage.mutate({ path: { product_id: productId }, body: { url: url.trim() } }, { onSuccess: () => setUrl('') });
  };
  return (
    <form className="form url-import" onSubmit={submit} noValidate aria-label="Import a photo from a URL">
      <fieldset className="form-fieldset" disabled={addImage.isPending}>
        <div className="form-inline-row">
          <TextField
            className="grow"
            label="Or import from a URL"
            name="url"
            type="url"
            placeholder="https://…/photo.jpg"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            error={errors.fields.url ?? errors.general}
          />
          <div className="form-inline-submit">
            <Button type="submit" loading={addImage.isPending} disabled={!url.trim()}>
              Import
            </Button>
          </div>
        </div>
      </fieldset>
    </form>
  );
}
