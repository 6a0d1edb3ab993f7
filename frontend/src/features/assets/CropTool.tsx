import { type KeyboardEvent, type PointerEvent, useRef } from 'react';

import { cx } from '@/lib/cx';

import { aspectBox, aspectValue, type Box, fullBox, type Handle, moveBox, resizeBox, type Size } from './geometry';
import { NumberInput } from './NumberInput';

const HANDLES: Handle[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];
const HANDLE_NAMES: Record<Handle, string> = {
  n: 'top edge',
  s: 'bottom edge',
  e: 'right edge',
  w: 'left edge',
  ne: 'top right corner',
  nw: 'top left corner',
  se: 'bottom right corner',
  sw: 'bottom left corner',
};

interface CropOverlayProps {
  box: Box;
  size: Size;
  /** width / height when an aspect preset is chosen. */
  ratio: number | null;
  onChange: (box: Box) => void;
}

/**
 * The crop box over the preview: drag it to move, drag its edges and corners to resize (keeping the preset's aspect),
 * or focus it and use the arrow keys (Shift: 10 pixels). Outside the box is dimmed.
 */
export function CropOverlay({ box, size, ratio, onChange }: CropOverlayProps) {
  const frame = useRef<HTMLDivElement>(null);
  const drag = useRef<{ handle: Handle | 'move'; x: number; y: number; box: Box } | null>(null);

  /** A press on the box moves it; on a handle (named by its `data-handle`) resizes it. */
  const start = (event: PointerEvent<HTMLElement>) => {
    event.preventDefault();
    event.stopPropagation();
    event.currentTarget.setPointerCapture?.(event.pointerId);
    const handle = (event.currentTarget.dataset.handle as Handle | undefined) ?? 'move';
    drag.current = { handle, x: event.clientX, y: event.clientY, box };
  };
  const move = (event: PointerEvent<HTMLElement>) => {
    const current = drag.current;
    const rect = frame.current?.getBoundingClientRect();
    if (!current || !rect || rect.width === 0) return;
    const scale = size.width / rect.width;
    const dx = (event.clientX - current.x) * scale;
    const dy = (event.clientY - current.y) * scale;
    onChange(current.handle === 'move' ? moveBox(current.box, dx, dy, size) : resizeBox(current.box, current.handle, dx, dy, size, ratio));
  };
  const end = (event: PointerEvent<HTMLElement>) => {
    drag.current = null;
    event.currentTarget.releasePointerCapture?.(event.pointerId);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.shiftKey ? 10 : 1;
    const delta: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const offset = delta[event.key];
    if (!offset) return;
    event.preventDefault();
    onChange(moveBox(box, offset[0], offset[1], size));
  };

  const percent = (value: number, total: number) => `${(value / total) * 100}%`;
  return (
    <div className="crop-layer" ref={frame} onPointerMove={move} onPointerUp={end} onPointerCancel={end}>
      <div
        className="crop-box"
        style={{ left: percent(box.x, size.width), top: percent(box.y, size.height), width: percent(box.width, size.width), height: percent(box.height, size.height) }}
        tabIndex={0}
        role="group"
        aria-label={`Crop area, ${box.width} × ${box.height} pixels from ${box.x}, ${box.y}. Arrow keys move it.`}
        onPointerDown={start}
        onKeyDown={onKeyDown}
      >
        <span className="crop-grid" aria-hidden="true" />
        {HANDLES.map((handle) => (
          <span
            key={handle}
            className={cx('crop-handle', `crop-handle--${handle}`)}
            data-handle={handle}
            title={`Drag the ${HANDLE_NAMES[handle]}`}
            aria-hidden="true"
            onPointerDown={start}
          />
        ))}
      </div>
    </div>
  );
}

interface CropControlsProps {
  size: Size;
  box: Box;
  aspect: string | null;
  presets: string[];
  problem: string | null;
  onChange: (box: Box, aspect: string | null) => void;
}

/** Aspect presets and the box in exact pixels (what is sent). */
export function CropControls({ size, box, aspect, presets, problem, onChange }: CropControlsProps) {

  return (
    <div className="editor-controls">
      <div className="segmented editor-presets" role="group" aria-label="Aspect ratio">
        <button type="button" className={cx('segmented-item', aspect === null && 'segmented-item--active')} aria-pressed={aspect === null} onClick={() => onChange(box, null)}>
          Free
        </button>
        {presets.map((preset) => (
          <button
            key={preset}
            type="button"
            className={cx('segmented-item', aspect === preset && 'segmented-item--active')}
            aria-pressed={aspect === preset}
            onClick={() => onChange(aspectBox(size, preset), preset)}
            disabled={aspectValue(preset) === null}
          >
            {preset}
          </button>
        ))}
      </div>
      <div className="editor-fields" role="group" aria-label="Crop box in pixels">
        {(['x', 'y', 'width', 'height'] as const).map((field) => (
          <label key={field} className="editor-field">
            <span>{{ x: 'Left', y: 'Top', width: 'Width', height: 'Height' }[field]}</span>
            <NumberInput
              inputMode="numeric"
              min={0}
              step={1}
              value={box[field]}
              aria-invalid={problem ? true : undefined}
              isValid={Number.isInteger}
              onValue={(value) => onChange({ ...box, [field]: value }, null)}
            />
          </label>
        ))}
        <button type="button" className="btn btn--ghost btn--sm" onClick={() => onChange(fullBox(size), null)}>
          Reset
        </button>
      </div>
      <p className={cx('editor-note', problem && 'editor-note--problem')} role={problem ? 'alert' : undefined}>
        {problem ?? `Keeps ${box.width} × ${box.height} of ${size.width} × ${size.height} pixels.`}
      </p>
    </div>
  );
}
