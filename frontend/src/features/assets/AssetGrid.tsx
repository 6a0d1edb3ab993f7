import { Button, Table } from '@/components/ui';
import { StarIcon } from '@/features/products/icons';
import { VideoBadge } from '@/features/video/VideoBadge';
import { cx } from '@/lib/cx';
import { formatDate, formatDateTime } from '@/lib/format';

import { ApprovalBadge, daysLeftText, SyncBadge } from './AssetBadges';
import { qualityText } from './describe';
import { type Asset, useGenerationLabels } from './hooks';
import { PinIcon, RestoreIcon } from './icons';
import type { Review } from './mutations';

/** What the Assets page adds to the previews: selection, review toggles, restore from the trash. */
export interface LibraryControls {
  selected: ReadonlySet<string>;
  /** `range`: shift-click, from the last clicked asset to this one. */
  onSelect: (assetId: string, mode: 'toggle' | 'range') => void;
  /** Pin and favorite; absent for viewers and in the trash. */
  onReview?: (asset: Asset, changes: Review) => void;
  /** The trash: each asset shows its days left and a Restore button. */
  onRestore?: (asset: Asset) => void;
  restoring?: ReadonlySet<string>;
}

interface AssetGridProps {
  assets: Asset[];
  onOpen: (assetId: string) => void;
  /** Product names by id, shown under each preview on pages that mix products. */
  productNames?: Map<string, string>;
  label?: string;
  library?: LibraryControls;
}

/** "Oak armchair, Living room image from 27 Nov 2026, 09:01": how an asset is named to people and screen readers. */
export function useAssetNames(productNames?: Map<string, string>) {
  const labels = useGenerationLabels();
  return (asset: Asset) => {
    const product = asset.product_id ? productNames?.get(asset.product_id) : undefined;
    const what = asset.type === 'video' ? 'video' : 'image';
    return `${product ? `${product}, ` : ''}${labels.scene(asset.scene_type)} ${what} from ${formatDateTime(asset.created_at)}`;
  };
}

/** Whether a click asked for a range (shift) rather than one more asset. */
const selectMode = (event: { nativeEvent: Event }): 'toggle' | 'range' => ((event.nativeEvent as MouseEvent).shiftKey ? 'range' : 'toggle');

function SelectBox({ asset, name, library }: { asset: Asset; name: string; library: LibraryControls }) {
  return (
    <input
      type="checkbox"
      className="asset-check"
      aria-label={`Select ${name}`}
      checked={library.selected.has(asset.id)}
      onChange={(event) => library.onSelect(asset.id, selectMode(event))}
    />
  );
}

function ReviewToggles({ asset, onReview }: { asset: Asset; onReview: NonNullable<LibraryControls['onReview']> }) {
  return (
    <>
      <Button
        size="sm"
        variant="ghost"
        className={cx('asset-toggle', asset.pinned && 'asset-toggle--on')}
        aria-pressed={asset.pinned}
        aria-label="Pinned"
        title={asset.pinned ? 'Unpin' : 'Pin'}
        onClick={() => onReview(asset, { pinned: !asset.pinned })}
      >
        <PinIcon />
      </Button>
      <Button
        size="sm"
        variant="ghost"
        className={cx('asset-toggle', asset.favorite && 'asset-toggle--on')}
        aria-pressed={asset.favorite}
        aria-label="Favorite"
        title={asset.favorite ? 'Remove from favorites' : 'Add to favorites'}
        onClick={() => onReview(asset, { favorite: !asset.favorite })}
      >
        <StarIcon />
      </Button>
    </>
  );
}

function RestoreButton({ asset, library }: { asset: Asset; library: LibraryControls }) {
  if (!library.onRestore) return null;
  const onRestore = library.onRestore;
  return (
    <Button size="sm" loading={library.restoring?.has(asset.id)} onClick={() => onRestore(asset)}>
      <RestoreIcon /> Restore
    </Button>
  );
}

/**
 * Previews of generated images; each opens the preview. On the Assets page (`library`) each also has a checkbox,
 * pin and favorite toggles, its review and store state, and in the trash its days left with Restore.
 */
export function AssetGrid({ assets, onOpen, productNames, label = 'Generated images', library }: AssetGridProps) {
  const labels = useGenerationLabels();
  const nameOf = useAssetNames(productNames);
  return (
    <ul className={cx('asset-grid', library && 'asset-grid--library')} aria-label={label}>
      {assets.map((asset) => {
        const product = asset.product_id ? productNames?.get(asset.product_id) : undefined;
        const name = nameOf(asset);
        const selected = library?.selected.has(asset.id) ?? false;
        return (
          <li key={asset.id} className={cx('asset-card', selected && 'asset-card--selected')} data-asset-id={asset.id}>
            <button type="button" className="asset-card-open" data-asset-open={asset.id} onClick={() => onOpen(asset.id)} aria-label={`Open ${name}`}>
              <span className="asset-card-media">
                <img src={asset.preview_url} alt="" loading="lazy" width={asset.width} height={asset.height} />
                <VideoBadge asset={asset} />
              </span>
              <span className="asset-card-body">
                {product && <span className="asset-card-name">{product}</span>}
                <span className="asset-card-meta">
                  {labels.scene(asset.scene_type)} · {asset.aspect_ratio} · {qualityText(asset)}
                  {asset.parent_id && ' · Edited'}
                </span>
                {library ? (
                  <span className="asset-card-badges">
                    {asset.deleted_at ? (
                      <span className="asset-card-days">{daysLeftText(asset.purge_at)}</span>
                    ) : (
                      <>
                        <ApprovalBadge approval={asset.approval} />
                        <SyncBadge asset={asset} />
                      </>
                    )}
                  </span>
                ) : (
                  asset.sync_state !== 'not_synced' && <SyncBadge asset={asset} />
                )}
              </span>
            </button>
            {library && (
              <>
                <span className="asset-card-select">
                  <SelectBox asset={asset} name={name} library={library} />
                </span>
                {library.onReview && (
                  <span className="asset-card-toggles">
                    <ReviewToggles asset={asset} onReview={library.onReview} />
                  </span>
                )}
                {asset.deleted_at && library.onRestore && (
                  <span className="asset-card-toggles">
                    <RestoreButton asset={asset} library={library} />
                  </span>
                )}
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** The same assets as rows: review and store state side by side, for going through many quickly. */
export function AssetTable({ assets, onOpen, productNames, label = 'Assets', library }: AssetGridProps & { library: LibraryControls }) {
  const labels = useGenerationLabels();
  const nameOf = useAssetNames(productNames);
  const trash = assets.some((asset) => asset.deleted_at);
  return (
    <Table
      caption={label}
      head={
        <tr>
          <th scope="col" className="asset-col-check">
            <span className="visually-hidden">Selected</span>
          </th>
          <th scope="col">Image</th>
          <th scope="col">{trash ? 'Deleted' : 'Review'}</th>
          <th scope="col">{trash ? 'Restore' : 'Store'}</th>
          {!trash && library.onReview && <th scope="col">Pinned · Favorite</th>}
          <th scope="col">Made</th>
        </tr>
      }
    >
      {assets.map((asset) => {
        const name = nameOf(asset);
        const product = asset.product_id ? productNames?.get(asset.product_id) : undefined;
        return (
          <tr key={asset.id} className={cx(library.selected.has(asset.id) && 'asset-row--selected')} data-asset-id={asset.id}>
            <td className="asset-col-check">
              <SelectBox asset={asset} name={name} library={library} />
            </td>
            <td>
              <button type="button" className="asset-row-open" data-asset-open={asset.id} onClick={() => onOpen(asset.id)} aria-label={`Open ${name}`}>
                <span className="thumb thumb--sm">
                  <img src={asset.preview_url} alt="" loading="lazy" width={asset.width} height={asset.height} />
                  <VideoBadge asset={asset} />
                </span>
                <span className="asset-row-text">
                  <span className="cell-primary">{product ?? 'No product'}</span>
                  <span className="cell-secondary">
                    {labels.scene(asset.scene_type)} · {asset.width} × {asset.height}
                    {asset.parent_id && ' · Edited'}
                  </span>
                </span>
              </button>
            </td>
            {asset.deleted_at ? (
              <>
                <td className="cell-nowrap">{daysLeftText(asset.purge_at)}</td>
                <td>
                  <RestoreButton asset={asset} library={library} />
                </td>
              </>
            ) : (
              <>
                <td>
                  <ApprovalBadge approval={asset.approval} />
                </td>
                <td>
                  <SyncBadge asset={asset} showReason />
                </td>
              </>
            )}
            {!trash && library.onReview && (
              <td className="cell-nowrap">
                <ReviewToggles asset={asset} onReview={library.onReview} />
              </td>
            )}
            <td className="cell-nowrap">{formatDate(asset.created_at)}</td>
          </tr>
        );
      })}
    </Table>
  );
}
