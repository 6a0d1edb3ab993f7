import { type KeyboardEvent, useState } from 'react';

import { CloseIcon } from '@/components/icons';
import { Button, Dialog, ErrorState, LoadingBlock } from '@/components/ui';
import { primaryImage } from '@/features/products/hooks';
import { creditsLabel } from '@/features/credits/hooks';
import { cx } from '@/lib/cx';
import { formatDateTime } from '@/lib/format';

import { CompareSlider } from './CompareSlider';
import { type Asset, providerLabel, type SourcedValue, resolvedSettings, sourceText, useAsset, useAssetProduct, useGenerationLabels } from './hooks';
import { ChevronLeftIcon, ChevronRightIcon, CompareIcon, DownloadIcon } from './icons';

interface AssetLightboxProps {
  /** The open asset; null when closed. */
  assetId: string | null;
  /** The assets around it, in the order shown, for previous / next (arrow keys too). */
  order?: string[];
  onNavigate: (assetId: string) => void;
  onClose: () => void;
}

/** One generated image large, compared with the product photo, and everything about how it was made. */
export function AssetLightbox({ assetId, order = [], onNavigate, onClose }: AssetLightboxProps) {
  const asset = useAsset(assetId);
  const product = useAssetProduct(asset.data?.product_id);
  const [comparing, setComparing] = useState(true);
  const index = assetId ? order.indexOf(assetId) : -1;
  const previous = index > 0 ? order[index - 1] : undefined;
  const next = index >= 0 && index < order.length - 1 ? order[index + 1] : undefined;
  const original = product.data ? primaryImage(product.data) : undefined;
  const title = product.data ? product.data.name : 'Generated image';

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if ((event.target as HTMLElement).closest('input, textarea, select')) return;
    if (event.key === 'ArrowLeft' && previous) onNavigate(previous);
    if (event.key === 'ArrowRight' && next) onNavigate(next);
  };

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
                  {original && (
                    <Button size="sm" variant={comparing ? 'secondary' : 'ghost'} aria-pressed={comparing} onClick={() => setComparing((on) => !on)}>
                      <CompareIcon /> Compare to original
                    </Button>
                  )}
                  <a className={cx('btn', 'btn--ghost', 'btn--sm')} href={asset.data.original_url} download>
                    <DownloadIcon /> Download
                  </a>
                </div>
              </div>
              {original && comparing ? (
                <CompareSlider
                  before={{ src: original.preview_url, alt: `${title}, original photo`, width: original.width, height: original.height }}
                  after={{ src: asset.data.preview_url, alt: `${title}, generated`, width: asset.data.width, height: asset.data.height }}
                />
              ) : (
                <div className="compare" style={{ aspectRatio: `${asset.data.width} / ${asset.data.height}` }}>
                  <img className="compare-img" src={asset.data.preview_url} alt={`${title}, generated`} />
                </div>
              )}
            </div>
            <AssetDetails asset={asset.data} />
          </>
        )}
      </div>
    </Dialog>
  );
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
    <div className="asset-details">
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
        <dt>Scene</dt>
        <dd>{labels.scene(asset.scene_type)}</dd>
        <dt>Size</dt>
        <dd>
          {asset.width} × {asset.height} · {asset.aspect_ratio} · {asset.quality.toUpperCase()}
        </dd>
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
      </dl>
      <h3 className="asset-details-title">Prompt</h3>
      <p className="asset-prompt" tabIndex={0} aria-label="Prompt">
        {asset.prompt || '—'}
      </p>
    </div>
  );
}
