import type { Asset } from '@/features/assets/hooks';

import { PlayIcon } from './icons';
import { clipSeconds, formatClock } from './video';

import './video.css';

/** The corner mark of a clip in a grid: a play sign and its length ("0:06"). */
export function VideoBadge({ asset }: { asset: Pick<Asset, 'type' | 'duration_ms'> }) {
  if (asset.type !== 'video') return null;
  const seconds = clipSeconds(asset);
  return (
    <span className="video-badge">
      <PlayIcon width={11} height={11} />
      {seconds === null ? (
        'Video'
      ) : (
        <>
          <span className="visually-hidden">Video, </span>
          {formatClock(Math.round(seconds))}
        </>
      )}
    </span>
  );
}
