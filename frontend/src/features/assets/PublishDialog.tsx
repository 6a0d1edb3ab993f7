import { useState } from 'react';
import { Link } from 'react-router';

import type { SyncRecordOut } from '@/client/types.gen';
import { Alert, Button, Dialog, FormError, SelectField, TextField } from '@/components/ui';
import { type Product, useProducts } from '@/features/products/hooks';
import { useStores } from '@/features/stores/hooks';
import { PLATFORM_NAMES, PlatformMark } from '@/features/stores/icons';
import { formErrors, parseError } from '@/lib/problem';

import { ApprovalBadge } from './AssetBadges';
import { type Asset, useAssetProduct } from './hooks';
import { usePublishAsset, useReviewAsset } from './mutations';

/** Store products offered as the target (the asset's own is always there). */
const TARGET_PRODUCTS = 200;
const MAX_ALT = 400;
const MAX_POSITION = 250;

/** What the store says no to, in words that say what to do (the API's problem codes). */
const REFUSALS: Record<string, string> = {
  asset_not_approved: 'Only approved images can be published. Approve it first.',
  store_not_active: "The product's store is not connected. Reconnect it on the Store page, then publish again.",
  product_not_linked: "This image's product was not imported from a store: choose a store product to add it to.",
  asset_published_elsewhere: 'The image is already on another product. Remove it from the store first, then publish it here.',
  sync_in_progress: 'This image is being synced right now. Wait for that to finish.',
  video_not_supported: 'Videos cannot be published to the store.',
  asset_deleted: 'The image is in the trash. Restore it first.',
};

interface PublishDialogProps {
  asset: Asset | null;
  onClose: () => void;
  onPublished: (record: SyncRecordOut, asset: Asset, product: Product | undefined) => void;
}

/** Publish one approved image to a store product: which product, where among its images, with what alt text. */
export function PublishDialog({ asset, onClose, onPublished }: PublishDialogProps) {
  if (!asset) return null;
  return <PublishForm key={asset.id} asset={asset} onClose={onClose} onPublished={onPublished} />;
}

function PublishForm({ asset, onClose, onPublished }: { asset: Asset } & Omit<PublishDialogProps, 'asset'>) {
  const own = useAssetProduct(asset.product_id);
  const stores = useStores();
  const storeProducts = useProducts({ source: 'imported', limit: TARGET_PRODUCTS });
  const publish = usePublishAsset();
  const [approveProblem, setApproveProblem] = useState<string | null>(null);
  const review = useReviewAsset({ onFailed: (outcome) => setApproveProblem(outcome.message) });
  const [approval, setApproval] = useState(asset.approval);
  const [productId, setProductId] = useState(asset.product_id ?? '');
  const [position, setPosition] = useState('');
  const [alt, setAlt] = useState('');
  const [localErrors, setLocalErrors] = useState<{ position?: string }>({});

  const candidates = storeProducts.data?.pages.flatMap((page) => page.items) ?? [];
  const ownLinked = own.data && own.data.store_id ? own.data : undefined;
  const products = ownLinked && !candidates.some((p) => p.id === ownLinked.id) ? [ownLinked, ...candidates] : candidates;
  // Only products of the asset's own store can take it (the API refuses others).
  const sameStore = ownLinked ? products.filter((p) => p.store_id === ownLinked.store_id) : products;
  const target = sameStore.find((p) => p.id === productId);
  const store = target?.store_id ? stores.data?.items.find((item) => item.id === target.store_id) : undefined;
  const errors = formErrors(publish.error, ['product_id', 'position', 'alt']);
  const refusal = publish.isError ? REFUSALS[parseError(publish.error).code] : undefined;

  const submit = () => {
    const problems: { position?: string } = {};
    const place = position.trim() === '' ? null : Number(position);
    if (place !== null && (!Number.isInteger(place) || place < 1 || place > MAX_POSITION)) problems.position = `A whole number from 1 to ${MAX_POSITION}, or empty for last.`;
    setLocalErrors(problems);
    if (problems.position || !target) return;
    publish.mutate(
      {
        assetId: asset.id,
        body: {
          ...(target.id !== asset.product_id ? { product_id: target.id } : {}),
          ...(place !== null ? { position: place } : {}),
          ...(alt.trim() ? { alt: alt.trim() } : {}),
        },
      },
      { onSuccess: (record) => onPublished(record, asset, target) },
    );
  };

  const approve = () => {
    setApproveProblem(null);
    review.mutate({ asset, changes: { approval: 'approved' } }, { onSuccess: (fresh) => setApproval(fresh.approval) });
  };

  return (
    <Dialog
      open
      title="Publish to the store"
      description="The image is added to the product's images in your store; publishing it again never adds a second copy."
      onClose={onClose}
      dismissible={!publish.isPending}
      footer={
        <>
          <Button onClick={onClose} disabled={publish.isPending}>
            Cancel
          </Button>
          <Button variant="primary" onClick={submit} loading={publish.isPending} disabled={!target || approval !== 'approved' || store?.status !== 'active'}>
            Publish
          </Button>
        </>
      }
    >
      <form
        className="form publish-form"
        aria-label="Publish"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <div className="publish-asset">
          <img src={asset.preview_url} alt="" />
          <div>
            <p className="cell-primary">{own.data?.name ?? 'Image'}</p>
            <p className="muted">
              {asset.width} × {asset.height} · <ApprovalBadge approval={approval} />
            </p>
          </div>
        </div>
        {approval !== 'approved' && (
          <Alert
            tone="warning"
            title="Approve it first"
            actions={
              <Button size="sm" variant="primary" loading={review.isPending} onClick={approve}>
                Approve
              </Button>
            }
          >
            Only approved images can be published.{approveProblem ? ` ${approveProblem}` : ''}
          </Alert>
        )}
        <SelectField
          label="Product"
          value={productId}
          onChange={(event) => setProductId(event.target.value)}
          error={errors.fields.product_id}
          hint={storeProducts.isPending ? 'Loading your store products…' : sameStore.length === 0 ? 'No product imported from a store yet: import some on the Store page.' : undefined}
        >
          {!target && <option value="">Choose a store product</option>}
          {sameStore.map((product) => (
            <option key={product.id} value={product.id}>
              {product.name}
              {product.id === asset.product_id ? ' (this image’s product)' : ''}
            </option>
          ))}
        </SelectField>
        {target && (
          <p className="publish-store">
            {store ? (
              <>
                <PlatformMark kind={store.kind} /> {store.shop_domain} · {PLATFORM_NAMES[store.kind]} ·{' '}
                {store.status === 'active' ? 'Connected' : <strong>Not connected</strong>}
              </>
            ) : stores.isPending ? (
              'Loading the store…'
            ) : (
              'This product has no store connection.'
            )}
          </p>
        )}
        {store && store.status !== 'active' && (
          <Alert tone="error">
            {store.shop_domain} is not connected. <Link to="/store">Reconnect it on the Store page</Link>, then publish again.
          </Alert>
        )}
        {asset.product_id && own.data && !own.data.store_id && (
          <p className="field-hint">This image’s product was uploaded, not imported: choose the store product it belongs on.</p>
        )}
        <TextField
          label="Position (optional)"
          type="number"
          inputMode="numeric"
          min={1}
          max={MAX_POSITION}
          value={position}
          onChange={(event) => setPosition(event.target.value)}
          error={localErrors.position ?? errors.fields.position}
          hint="Where among the product's images, 1 is first. Empty: after the others."
        />
        <TextField
          label="Alt text (optional)"
          value={alt}
          maxLength={MAX_ALT}
          onChange={(event) => setAlt(event.target.value)}
          error={errors.fields.alt}
          placeholder={target?.name ?? ''}
          hint={`Describes the image for screen readers and search. Empty: the product's name. ${alt.length} / ${MAX_ALT}`}
        />
        <FormError message={refusal ?? errors.general} />
        {/* Enter in a field publishes. */}
        <button type="submit" hidden />
      </form>
    </Dialog>
  );
}
