import { type KeyboardEvent, type PointerEvent, useRef, useState } from 'react';

import { Button } from '@/components/ui';
import type { Asset } from '@/features/assets/hooks';
import { ChoiceGroup, RatioFrame } from '@/features/studio/ChoiceGroup';
import { cx } from '@/lib/cx';

import { EditStatus } from './EditStatus';
import { useVideoEdit } from './hooks';
import { FrameIcon } from './icons';
import { aspectOf, cropBox, cropFreedom, VIDEO_ASPECTS } from './video';

import '@/features/studio/studio.css';

interface Focus {
  x: number;
  y: number;
}

const clamp = (value: number) => Math.min(1, Math.max(0, value));
const percent = (value: number) => `${Math.round(value * 100)}%`;

interface ReframeEditorProps {
  asset: Asset;
  onDelivered: (assetId: string) => void;
}

/**
 * Re-cut a clip to another shape: pick the aspect ratio, then place the focus point (drag it over the picture, use
 * the arrow keys on it, or the two sliders) and see the frame that will be kept; Apply makes a new revision.
 */
export function ReframeEditor({ asset, onDelivered }: ReframeEditorProps) {
  const current = (VIDEO_ASPECTS as readonly string[]).includes(asset.aspect_ratio) ? asset.aspect_ratio : aspectOf(asset.width, asset.height);
  const [aspect, setAspect] = useState<string>(() => VIDEO_ASPECTS.find((ratio) => ratio !== current) ?? '9:16');
  const [focus, setFocus] = useState<Focus>({ x: 0.5, y: 0.5 });
  const stage = useRef<HTMLDivElement>(null);
  const dragging = useRef(false);
  const edit = useVideoEdit(asset.id, onDelivered);

  const box = cropBox(asset.width, asset.height, aspect, focus.x, focus.y);
  const free = cropFreedom(asset.width, asset.height, aspect);
  const same = aspect === current;

  const place = (next: Focus) => {
    setFocus({ x: clamp(next.x), y: clamp(next.y) });
    if (edit.state.status === 'failed') edit.reset();
  };
  const focusAt = (event: PointerEvent<HTMLDivElement>) => {
    const rect = stage.current?.getBoundingClientRect();
    if (!rect || rect.width === 0 || rect.height === 0) return;
    place({ x: (event.clientX - rect.left) / rect.width, y: (event.clientY - rect.top) / rect.height });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.shiftKey ? 0.1 : 0.01;
    const moves: Record<string, Focus> = {
      ArrowLeft: { x: focus.x - step, y: focus.y },
      ArrowRight: { x: focus.x + step, y: focus.y },
      ArrowUp: { x: focus.x, y: focus.y - step },
      ArrowDown: { x: focus.x, y: focus.y + step },
      Home: { x: 0.5, y: 0.5 },
    };
    const target = moves[event.key];
    if (!target) return;
    event.preventDefault();
    event.stopPropagation();
    place(target);
  };

  const apply = () => {
    if (same || edit.busy) return;
    const round = (value: number) => Math.round(value * 1000) / 1000;
    edit.run({ operation: 'reframe', params: { aspect, focus_x: round(focus.x), focus_y: round(focus.y) } });
  };

  const share = (value: number, total: number) => `${(value / total) * 100}%`;
  const serverProblem = edit.state.status === 'failed' ? (Object.values(edit.state.fieldErrors)[0] ?? null) : null;

  return (
    <div className="video-editor reframe-editor">
      <ChoiceGroup
        legend="New aspect ratio"
        name="reframe-aspect"
        variant="cards"
        value={aspect}
        onChange={(value) => {
          setAspect(value);
          if (edit.state.status === 'failed') edit.reset();
        }}
        disabled={edit.busy}
        choices={VIDEO_ASPECTS.map((ratio) => ({
          value: ratio,
          label: ratio,
          visual: <RatioFrame ratio={ratio} />,
          disabled: ratio === current,
          reason: ratio === current ? 'The clip is this shape already' : undefined,
        }))}
      />
      <div className="reframe-stage-wrap">
        <div
          ref={stage}
          className="reframe-stage"
          style={{ aspectRatio: `${asset.width} / ${asset.height}` }}
          role="group"
          tabIndex={0}
          aria-label={`Focus point, ${percent(focus.x)} across and ${percent(focus.y)} down. Drag it, or move it with the arrow keys (Shift: further).`}
          onKeyDown={onKeyDown}
          onPointerDown={(event) => {
            event.preventDefault();
            event.currentTarget.setPointerCapture?.(event.pointerId);
            event.currentTarget.focus();
            dragging.current = true;
            focusAt(event);
          }}
          onPointerMove={(event) => dragging.current && focusAt(event)}
          onPointerUp={(event) => {
            dragging.current = false;
            event.currentTarget.releasePointerCapture?.(event.pointerId);
          }}
          onPointerCancel={() => {
            dragging.current = false;
          }}
        >
          <img className="reframe-picture" src={asset.poster_url ?? asset.preview_url} alt="" draggable={false} />
          <div
            className="reframe-crop"
            style={{
              left: share(box.left, asset.width),
              top: share(box.top, asset.height),
              width: share(box.width, asset.width),
              height: share(box.height, asset.height),
            }}
            aria-hidden="true"
          >
            <span className="reframe-crop-label">{aspect}</span>
          </div>
          <span className="reframe-focus" style={{ left: percent(focus.x), top: percent(focus.y) }} aria-hidden="true" />
        </div>
      </div>
      <div className="reframe-sliders">
        <label className={cx('reframe-slider', !free.x && 'reframe-slider--off')}>
          <span>Focus across · {percent(focus.x)}</span>
          <input
            type="range"
            min={0}
            max={100}
            step={1}
            value={Math.round(focus.x * 100)}
            onChange={(event) => place({ ...focus, x: Number(event.target.value) / 100 })}
            disabled={edit.busy}
            aria-valuetext={`${percent(focus.x)} from the left`}
          />
        </label>
        <label className={cx('reframe-slider', !free.y && 'reframe-slider--off')}>
          <span>Focus down · {percent(focus.y)}</span>
          <input
            type="range"
            min={0}
            max={100}
            step={1}
            value={Math.round(focus.y * 100)}
            onChange={(event) => place({ ...focus, y: Number(event.target.value) / 100 })}
            disabled={edit.busy}
            aria-valuetext={`${percent(focus.y)} from the top`}
          />
        </label>
      </div>
      <p className="editor-note" role="status">
        Keeps {box.width} × {box.height} of {asset.width} × {asset.height} pixels
        {!free.x && !free.y ? '.' : !free.x ? ': the full width, so only the height moves with the focus point.' : !free.y ? ': the full height, so only the width moves with the focus point.' : ' around the focus point.'}
      </p>
      {serverProblem && <p className="field-error">{serverProblem}</p>}
      <div className="button-row">
        <Button variant="primary" onClick={apply} disabled={same} loading={edit.busy}>
          <FrameIcon width={16} height={16} /> Reframe to {aspect}
        </Button>
      </div>
      <EditStatus state={edit.state} doing="Reframing the clip" />
    </div>
  );
}
