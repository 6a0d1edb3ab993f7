import { type KeyboardEvent, useState } from 'react';
import { Link } from 'react-router';

import { CloseIcon } from '@/components/icons';
import { Alert, Button, buttonClass, Dialog, ErrorState, LoadingBlock } from '@/components/ui';
import { creditsLabel } from '@/features/credits/hooks';
import { StarIcon, TrashIcon } from '@/features/products/icons';
import { primaryImage } from '@/features/products/hooks';
import { useStores } from '@/features/stores/hooks';
import { clipSeconds, formatSeconds } from '@/features/video/video';
import { FilmIcon } from '@/features/video/icons';
import { VideoAssetView } from '@/features/video/VideoAssetView';
import { cx } from '@/lib/cx';
import { formatDateTime } from '@/lib/format';
import { parseError } from '@/lib/problem';

import { ApprovalBadge, daysLeftText, SyncBadge } from './AssetBadges';
import { CompareSlider, compareFrame } from './CompareSlider';
import { editLabel, qualityText } from './describe';
import {
  type Asset,
  humanize,
  providerLabel,
  type SourcedValue,
  resolvedSettings,
  sourceText,
  useAsset,
  useAssetProduct,
  useGenerationLabels,
  useRevisions,
  useSyncRecords,
} from './hooks';
import { BanIcon, CheckIcon, ChevronLeftIcon, ChevronRightIcon, CompareIcon, DownloadIcon, EditIcon, HistoryIcon, PinIcon, PublishIcon, RestoreIcon } from './icons';
import { useDeleteAsset, useRestoreAsset, useRetrySync, useReviewAsset, useUnpublishAsset } from './mutations';

/** What the Assets page lets people do from the preview (the Studio's results only look). */
export interface AssetActions {
  writable: boolean;
  onEdit: (asset: Asset) => void;
  onPublish: (asset: Asset) => void;
  /** Moved to the trash or taken out of it: the page says so (with Undo) and moves on. */
  onTrashed: (asset: Asset) => void;
  onRestored: (asset: Asset) => void;
}

interface AssetLightboxProps {
  /** The open asset; null when closed. */
  assetId: string | null;
  /** The assets around it, in the order shown, for previous / next (arrow keys too). */
  order?: string[];
  onNavigate: (assetId: string) => void;
  onClose: () => void;
  actions?: AssetActions;
}

const REVISION_LABELS = {
  before: 'Before',
  after: 'After',
  slider: 'Compare with the version before this edit',
  position: (percent: number) => `${percent}% before the edit`,
};

/** One image large, compared with the product photo (or, for an edit, with what it was edited from), its review
 * and store state, its revisions, and everything about how it was made. */
export function AssetLightbox({ assetId, order = [], onNavigate, onClose, actions }: AssetLightboxProps) {
  const asset = useAsset(assetId);
  const product = useAssetProduct(asset.data?.product_id);
  const revisions = useRevisions(assetId);
  const [comparing, setComparing] = useState(true);
  const index = assetId ? order.indexOf(assetId) : -1;
  const previous = index > 0 ? order[index - 1] : undefined;
  const next = index >= 0 && index < order.length - 1 ? order[index + 1] : undefined;
  const photo = product.data ? primaryImage(product.data) : undefined;
  const parent = asset.data?.parent_id ? revisions.data?.items.find((item) => item.id === asset.data?.parent_id) : undefined;
  // An edit is compared with its parent when the two line up (adjustments, AI edits); a crop or turn is not.
  const comparable = parent && asset.data && Math.abs(parent.width / parent.height - asset.data.width / asset.data.height) < 0.01 ? parent : undefined;
  const title = product.data ? product.data.name : 'Generated image';

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if ((event.target as HTMLElement).closest('input, textarea, select')) return;
    if (event.key === 'ArrowLeft' && previous) onNavigate(previous);
    if (event.key === 'ArrowRight' && next) onNavigate(next);
  };

  let compare = null;
  if (asset.data) {
    const shown = { src: asset.data.preview_url, alt: `${title}, ${parent ? 'edited' : 'generated'}`, width: asset.data.width, height: asset.data.height };
    if (asset.data.type === 'video')
      compare = <VideoAssetView asset={asset.data} label={shown.alt} writable={actions?.writable ?? false} onOpen={onNavigate} />;
    else if (comparing && comparable)
      compare = (
        <CompareSlider
          labels={REVISION_LABELS}
          before={{ src: comparable.preview_url, alt: `${title}, before the edit`, width: comparable.width, height: comparable.height }}
          after={shown}
        />
      );
    else if (comparing && photo && !parent)
      compare = <CompareSlider before={{ src: photo.preview_url, alt: `${title}, original photo`, width: photo.width, height: photo.height }} after={shown} />;
    else
      compare = (
        <div className="compare" style={compareFrame(asset.data.width, asset.data.height)}>
          <img className="compare-img" src={shown.src} alt={shown.alt} />
        </div>
      );
  }

  return (
    <Dialog
      open={assetId !== null}
      title={title}
      description={order.length > 1 && index >= 0 ? `Image ${index + 1} of ${order.length}` : undefined}
      onClose={onClose}
    >
      {/* Arrow keys move between images; the handler only listens, every control stays a normal button. */}
      <div className="lightbox" onKeyDown={onKeyDown}>
        <Button size="sm" variant="ghost" className="lightbox-close" aria-label="Close" onClick={onClose} data-autofocus>
          <CloseIcon />
        </Button>
        {asset.isPending ? (
          <LoadingBlock label="Loading the image" />
        ) : asset.isError ? (
          <ErrorState error={asset.error} what="this image" onRetry={() => void asset.refetch()} retrying={asset.isFetching} />
        ) : (
          <>
            <div className="lightbox-media">
              <div className="lightbox-toolbar">
                <div className="button-row">
                  <Button size="sm" variant="ghost" aria-label="Previous image" disabled={!previous} onClick={() => previous && onNavigate(previous)}>
                    <ChevronLeftIcon />
                  </Button>
                  <Button size="sm" variant="ghost" aria-label="Next image" disabled={!next} onClick={() => next && onNavigate(next)}>
                    <ChevronRightIcon />
                  </Button>
                </div>
                <div className="button-row">
                  {asset.data.type === 'image' && (parent ? comparable : photo) && (
                    <Button size="sm" variant={comparing ? 'secondary' : 'ghost'} aria-pressed={comparing} onClick={() => setComparing((on) => !on)}>
                      <CompareIcon /> {parent ? 'Compare to before' : 'Compare to original'}
                    </Button>
                  )}
                  <a className={cx('btn', 'btn--ghost', 'btn--sm')} href={asset.data.original_url} download>
                    <DownloadIcon /> Download
                  </a>
                  <a className={cx('btn', 'btn--ghost', 'btn--sm')} href={asset.data.preview_url} download>
                    WebP
                  </a>
                </div>
              </div>
              {compare}
              {actions && <ReviewActions asset={asset.data} actions={actions} />}
              <RevisionHistory assetId={asset.data.id} chain={revisions.data?.items} loading={revisions.isPending} onOpen={onNavigate} />
            </div>
            <div className="asset-details">
              <StoreState asset={asset.data} writable={actions?.writable ?? false} />
              <AssetDetails asset={asset.data} />
            </div>
          </>
        )}
      </div>
    </Dialog>
  );
}

/** Review, edit, publish and trash from the preview; review changes show at once and are undone if refused. */
function ReviewActions({ asset, actions }: { asset: Asset; actions: AssetActions }) {
  const [problem, setProblem] = useState<string | null>(null);
  const review = useReviewAsset({ onFailed: (outcome) => setProblem(outcome.message) });
  const remove = useDeleteAsset();
  const restore = useRestoreAsset();
  const change = (changes: Parameters<typeof review.mutate>[0]['changes']) => {
    setProblem(null);
    review.mutate({ asset, changes });
  };
  if (asset.deleted_at)
    return (
      <div className="lightbox-actions">
        <p className="lightbox-trash">In the trash · {daysLeftText(asset.purge_at)}</p>
        {actions.writable && (
          <Button size="sm" variant="primary" loading={restore.isPending} onClick={() => restore.mutate(asset.id, { onSuccess: actions.onRestored })}>
            <RestoreIcon /> Restore
          </Button>
        )}
        {restore.isError && <p className="form-error">{`Couldn't restore: ${parseError(restore.error).message}`}</p>}
      </div>
    );
  return (
    <div className="lightbox-actions-wrap">
      <div className="lightbox-actions" role="group" aria-label="Review">
        <ApprovalBadge approval={asset.approval} />
        {actions.writable && (
          <>
            <Button size="sm" variant={asset.approval === 'approved' ? 'primary' : 'secondary'} aria-pressed={asset.approval === 'approved'} onClick={() => change({ approval: asset.approval === 'approved' ? 'pending' : 'approved' })}>
              <CheckIcon /> {asset.approval === 'approved' ? 'Approved' : 'Approve'}
            </Button>
            <Button size="sm" aria-pressed={asset.approval === 'rejected'} onClick={() => change({ approval: asset.approval === 'rejected' ? 'pending' : 'rejected' })}>
              <BanIcon /> {asset.approval === 'rejected' ? 'Rejected' : 'Reject'}
            </Button>
            <Button size="sm" variant={asset.pinned ? 'secondary' : 'ghost'} className={cx(asset.pinned && 'asset-toggle--on')} aria-pressed={asset.pinned} onClick={() => change({ pinned: !asset.pinned })}>
              <PinIcon /> {asset.pinned ? 'Pinned' : 'Pin'}
            </Button>
            <Button size="sm" variant={asset.favorite ? 'secondary' : 'ghost'} className={cx(asset.favorite && 'asset-toggle--on')} aria-pressed={asset.favorite} onClick={() => change({ favorite: !asset.favorite })}>
              <StarIcon /> {asset.favorite ? 'Favorite' : 'Add to favorites'}
            </Button>
          </>
        )}
      </div>
      {actions.writable && (
        <div className="lightbox-actions" role="group" aria-label={asset.type === 'video' ? 'Clip actions' : 'Image actions'}>
          {asset.type === 'image' && (
            <>
              <Button size="sm" onClick={() => actions.onEdit(asset)}>
                <EditIcon /> Edit
              </Button>
              <Link className={buttonClass('secondary', 'sm')} to={`/studio/video?asset=${encodeURIComponent(asset.id)}`}>
                <FilmIcon /> Make a video
              </Link>
            </>
          )}
          <Button size="sm" onClick={() => actions.onPublish(asset)}>
            <PublishIcon /> Publish
          </Button>
          <Button size="sm" variant="ghost" loading={remove.isPending} onClick={() => remove.mutate(asset.id, { onSuccess: () => actions.onTrashed(asset) })}>
            <TrashIcon /> Delete
          </Button>
        </div>
      )}
      {problem && (
        <Alert tone="warning" className="lightbox-alert">
          {problem}
        </Alert>
      )}
      {remove.isError && <p className="form-error">{`Couldn't delete: ${parseError(remove.error).message}`}</p>}
    </div>
  );
}

/** Where the image stands with the store: its badge, why the last sync failed (with Retry), removal. */
function StoreState({ asset, writable }: { asset: Asset; writable: boolean }) {
  const records = useSyncRecords(asset.sync_state === 'not_synced' ? null : asset.id, { limit: 1, poll: asset.sync_state === 'pending' });
  const stores = useStores();
  const retry = useRetrySync();
  const unpublish = useUnpublishAsset();
  const last = records.data?.items[0];
  const store = last?.store_connection_id ? stores.data?.items.find((item) => item.id === last.store_connection_id) : undefined;
  return (
    <section className="asset-store" aria-label="Store">
      <h3 className="asset-details-title">Store</h3>
      <div className="asset-store-line">
        <SyncBadge asset={asset} showReason />
      </div>
      {last && (
        <p className="muted asset-store-meta">
          {last.action === 'unpublish' ? 'Removal' : 'Publish'}
          {store ? ` to ${store.shop_domain}` : ''} · {formatDateTime(last.finished_at ?? last.started_at ?? last.created_at)}
          {last.attempts > 1 ? ` · ${last.attempts} attempts` : ''}
        </p>
      )}
      {writable && (
        <div className="button-row">
          {last?.retryable && asset.sync_state === 'failed' && (
            <Button size="sm" loading={retry.isPending} onClick={() => retry.mutate(last.id)}>
              Retry
            </Button>
          )}
          {asset.sync_state === 'synced' && (
            <Button size="sm" variant="ghost" loading={unpublish.isPending} onClick={() => unpublish.mutate(asset.id)}>
              Remove from store
            </Button>
          )}
        </div>
      )}
      {retry.isError && <p className="form-error">{`Couldn't retry: ${parseError(retry.error).message}`}</p>}
      {unpublish.isError && <p className="form-error">{`Couldn't remove it: ${parseError(unpublish.error).message}`}</p>}
    </section>
  );
}

/** The generated original and every edit made from it, oldest first; the shown one is marked. */
function RevisionHistory({ assetId, chain, loading, onOpen }: { assetId: string; chain: Asset[] | undefined; loading: boolean; onOpen: (assetId: string) => void }) {
  if (loading) return null;
  if (!chain || chain.length < 2) return null;
  return (
    <section className="revisions" aria-label="Revision history">
      <h3 className="asset-details-title">
        <HistoryIcon width={14} height={14} /> Revisions
      </h3>
      <ol className="revision-list">
        {chain.map((revision, position) => {
          const current = revision.id === assetId;
          const label = editLabel(revision.edit);
          return (
            <li key={revision.id}>
              <button
                type="button"
                className={cx('revision', current && 'revision--current')}
                aria-current={current ? 'true' : undefined}
                onClick={() => onOpen(revision.id)}
                disabled={Boolean(revision.deleted_at) && !current}
              >
                <img src={revision.preview_url} alt="" loading="lazy" />
                <span className="revision-text">
                  <span className="revision-label">
                    {position === 0 ? 'Original' : label}
                    {revision.deleted_at ? ' (in the trash)' : ''}
                  </span>
                  <span className="revision-meta">
                    {revision.width} × {revision.height} · {formatDateTime(revision.created_at)}
                  </span>
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** "3 s · 24 fps · push in": a clip's length, frame rate and camera motion. */
function clipFacts(asset: Asset, motion: string | undefined): string {
  const seconds = clipSeconds(asset);
  return [seconds !== null ? formatSeconds(seconds) : null, asset.fps ? `${asset.fps} fps` : null, motion ? humanize(motion).toLowerCase() : null]
    .filter(Boolean)
    .join(' · ');
}

function SettingLine({ name, value }: { name: string; value: SourcedValue }) {
  const source = sourceText(value);
  return (
    <li>
      <span className="asset-setting-name">{name}:</span> {value.value}
      {source && <span className="asset-setting-source"> — {source}</span>}
    </li>
  );
}

/** How the image was made: the resolved settings with their sources, the prompt, provider, model, seed, cost. */
export function AssetDetails({ asset }: { asset: Asset }) {
  const labels = useGenerationLabels();
  const { bubbles, options } = resolvedSettings(asset.settings, labels.bubbleOrder);
  const direction = options.prompt;
  return (
    <>
      <h3 className="asset-details-title">Scene settings</h3>
      {bubbles.length === 0 && !direction ? (
        <p className="muted">No scene settings: the scene type alone.</p>
      ) : (
        <ul className="asset-settings" aria-label="Scene settings">
          {bubbles.flatMap((bubble) =>
            bubble.values.map((value, position) => (
              <SettingLine key={`${bubble.type}-${position}`} name={labels.bubble(bubble.type)} value={value} />
            )),
          )}
          {direction && <SettingLine name="Your direction" value={direction} />}
        </ul>
      )}
      <dl className="facts asset-facts">
        {asset.edit && (
          <>
            <dt>Edit</dt>
            <dd>{editLabel(asset.edit)}</dd>
          </>
        )}
        <dt>Scene</dt>
        <dd>{labels.scene(asset.scene_type)}</dd>
        <dt>Size</dt>
        <dd>
          {asset.width} × {asset.height} · {asset.aspect_ratio} · {qualityText(asset)}
        </dd>
        {asset.type === 'video' && (
          <>
            <dt>Clip</dt>
            <dd>{clipFacts(asset, options.camera_motion?.value)}</dd>
          </>
        )}
        <dt>Provider</dt>
        <dd>{providerLabel(asset.provider)}</dd>
        <dt>Model</dt>
        <dd className="asset-mono">{asset.model || '—'}</dd>
        <dt>Seed</dt>
        <dd className="asset-mono">{asset.seed}</dd>
        <dt>Credits</dt>
        <dd>{creditsLabel(asset.credits_charged)}</dd>
        <dt>Made</dt>
        <dd>{formatDateTime(asset.created_at)}</dd>
        {asset.approved_at && (
          <>
            <dt>{asset.approval === 'rejected' ? 'Rejected' : 'Approved'}</dt>
            <dd>{formatDateTime(asset.approved_at)}</dd>
          </>
        )}
      </dl>
      <h3 className="asset-details-title">Prompt</h3>
      <p className="asset-prompt" tabIndex={0} aria-label="Prompt">
        {asset.prompt || '—'}
      </p>
    </>
  );
}
