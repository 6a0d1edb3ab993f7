import { useState } from 'react';

import { Alert, Button } from '@/components/ui';
import { editLabel } from '@/features/assets/describe';
import { type Asset, useRevisions } from '@/features/assets/hooks';
import { cx } from '@/lib/cx';
import { formatDateTime } from '@/lib/format';

import { EditStatus } from './EditStatus';
import { useVideoEdit } from './hooks';
import { FrameIcon, MutedIcon, ScissorsIcon } from './icons';
import { ReframeEditor } from './ReframeEditor';
import { TrimEditor } from './TrimEditor';
import { clipSeconds, formatSeconds } from './video';
import { VideoPlayer } from './VideoPlayer';

type Tool = 'trim' | 'reframe' | 'mute';
const TOOLS: { value: Tool; label: string; icon: typeof ScissorsIcon }[] = [
  { value: 'trim', label: 'Trim', icon: ScissorsIcon },
  { value: 'reframe', label: 'Reframe', icon: FrameIcon },
  { value: 'mute', label: 'Mute', icon: MutedIcon },
];
const DONE: Record<Tool, string> = {
  trim: 'Trimmed',
  reframe: 'Reframed',
  mute: 'Muted',
};

/** "3.0 s · 1280 × 720 · 24 fps · H.264 · no sound": a clip's facts in one line. */
export function clipFacts(asset: Asset): string {
  const seconds = clipSeconds(asset);
  const parts = [
    seconds !== null ? formatSeconds(seconds) : null,
    `${asset.width} × ${asset.height}`,
    asset.fps ? `${Math.round(asset.fps * 100) / 100} fps` : null,
    asset.codec ? (asset.codec === 'h264' ? 'H.264' : asset.codec.toUpperCase()) : null,
    asset.has_audio === null ? null : asset.has_audio ? 'with sound' : 'no sound',
  ];
  return parts.filter(Boolean).join(' · ');
}

interface VideoAssetViewProps {
  asset: Asset;
  /** What the clip is, for the player's accessible name. */
  label: string;
  /** Members and up can trim, reframe and mute (a viewer only watches). */
  writable: boolean;
  /** Show another revision (after an edit: the one it made). */
  onOpen: (assetId: string) => void;
  /** List the clip's revisions here (the asset preview has its own list). */
  showRevisions?: boolean;
}

/**
 * A clip: the player, its facts, and (for members) the video edits, each making a new revision that is then
 * shown: trim, reframe, mute.
 */
export function VideoAssetView({ asset, label, writable, onOpen, showRevisions = false }: VideoAssetViewProps) {
  const [tool, setTool] = useState<Tool | null>(null);
  const [made, setMade] = useState<{ assetId: string; tool: Tool } | null>(null);
  const editable = writable && !asset.deleted_at;
  const delivered = (which: Tool) => (assetId: string) => {
    setMade({ assetId, tool: which });
    setTool(null);
    onOpen(assetId);
  };

  return (
    <div className="video-view">
      {tool !== 'trim' && (
        <VideoPlayer
          key={asset.id}
          src={asset.original_url}
          poster={asset.poster_url}
          label={label}
          duration={clipSeconds(asset)}
          fps={asset.fps}
          width={asset.width}
          height={asset.height}
        />
      )}
      <p className="video-facts">{clipFacts(asset)}</p>
      {made?.assetId === asset.id && (
        <Alert tone="success" className="video-made">
          {DONE[made.tool]}: this is the new revision. The clip it was made from is unchanged.
        </Alert>
      )}
      {editable && (
        <section className="video-tools" aria-label="Edit the clip">
          <div className="segmented" role="group" aria-label="Video edits">
            {TOOLS.map(({ value, label: name, icon: ToolIcon }) => (
              <button
                key={value}
                type="button"
                className={cx('segmented-item', tool === value && 'segmented-item--active')}
                aria-pressed={tool === value}
                aria-expanded={tool === value}
                onClick={() => setTool((open) => (open === value ? null : value))}
              >
                <ToolIcon width={15} height={15} /> {name}
              </button>
            ))}
          </div>
          {tool === 'trim' && <TrimEditor key={asset.id} asset={asset} label={label} onDelivered={delivered('trim')} />}
          {tool === 'reframe' && <ReframeEditor key={asset.id} asset={asset} onDelivered={delivered('reframe')} />}
          {tool === 'mute' && <MutePanel key={asset.id} asset={asset} onDelivered={delivered('mute')} />}
        </section>
      )}
      {showRevisions && <ClipRevisions asset={asset} onOpen={onOpen} />}
    </div>
  );
}

function MutePanel({ asset, onDelivered }: { asset: Asset; onDelivered: (assetId: string) => void }) {
  const edit = useVideoEdit(asset.id, onDelivered);
  const silent = asset.has_audio !== true;
  return (
    <div className="video-editor">
      <p className="editor-note">
        {silent ? 'This clip has no sound track, so there is nothing to mute.' : 'Makes a copy without the sound track; the picture stays exactly the same.'}
      </p>
      <div className="button-row">
        <Button variant="primary" onClick={() => edit.run({ operation: 'mute', params: {} })} disabled={silent} loading={edit.busy}>
          <MutedIcon width={16} height={16} /> Remove the sound
        </Button>
      </div>
      <EditStatus state={edit.state} doing="Removing the sound" />
    </div>
  );
}

/** The generated clip and every edit made from it, oldest first; the shown one is marked. */
function ClipRevisions({ asset, onOpen }: { asset: Asset; onOpen: (assetId: string) => void }) {
  const revisions = useRevisions(asset.id);
  const chain = revisions.data?.items;
  if (!chain || chain.length < 2) return null;
  return (
    <section className="revisions video-revisions" aria-label="Revisions">
      <h3 className="asset-details-title">Revisions</h3>
      <ol className="revision-list">
        {chain.map((revision, position) => {
          const current = revision.id === asset.id;
          const seconds = clipSeconds(revision);
          return (
            <li key={revision.id}>
              <button
                type="button"
                className={cx('revision', current && 'revision--current')}
                aria-current={current ? 'true' : undefined}
                onClick={() => onOpen(revision.id)}
                disabled={Boolean(revision.deleted_at) && !current}
              >
                <img src={revision.poster_url ?? revision.preview_url} alt="" loading="lazy" />
                <span className="revision-text">
                  <span className="revision-label">
                    {position === 0 ? 'Original' : editLabel(revision.edit)}
                    {revision.deleted_at ? ' (in the trash)' : ''}
                  </span>
                  <span className="revision-meta">
                    {seconds !== null ? `${formatSeconds(seconds)} · ` : ''}
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
