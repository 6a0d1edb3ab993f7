import { formatDateTime } from '@/lib/format';

import { type Asset, useGenerationLabels } from './hooks';

interface AssetGridProps {
  assets: Asset[];
  onOpen: (assetId: string) => void;
  /** Product names by id, shown under each preview on pages that mix products. */
  productNames?: Map<string, string>;
  label?: string;
}

/** Previews of generated images; each opens the lightbox. */
export function AssetGrid({ assets, onOpen, productNames, label = 'Generated images' }: AssetGridProps) {
  const labels = useGenerationLabels();
  return (
    <ul className="asset-grid" aria-label={label}>
      {assets.map((asset) => {
        const product = asset.product_id ? productNames?.get(asset.product_id) : undefined;
        const scene = labels.scene(asset.scene_type);
        const when = formatDateTime(asset.created_at);
        return (
          <li key={asset.id} className="asset-card">
            <button
              type="button"
              className="asset-card-open"
              onClick={() => onOpen(asset.id)}
              aria-label={`Open ${product ? `${product}, ` : ''}${scene} image from ${when}`}
            >
              <span className="asset-card-media">
                <img src={asset.preview_url} alt="" loading="lazy" width={asset.width} height={asset.height} />
              </span>
              <span className="asset-card-body">
                {product && <span className="asset-card-name">{product}</span>}
                <span className="asset-card-meta">
                  {scene} · {asset.aspect_ratio} · {asset.quality.toUpperCase()}
                </span>
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
