import { type KeyboardEvent, type PointerEvent, useRef, useState } from 'react';

import { Button, Field, Input } from '@/components/ui';
import type { Asset } from '@/features/assets/hooks';
import { cx } from '@/lib/cx';

import { EditStatus } from './EditStatus';
import { useFilmstrip, useVideoEdit } from './hooks';
import { PlayIcon, ScissorsIcon } from './icons';
import { clipSeconds, formatSeconds, MIN_TRIM_S, moveTrimHandle, type TrimRange, trimProblem } from './video';
import { type PlayerHandle, VideoPlayer } from './VideoPlayer';

const FRAMES = 8;
type Handle = 'start' | 'end';
const HANDLE_NAMES: Record<Handle, string> = { start: 'Trim start', end: 'Trim end' };

/** Seconds as typed in the inputs: two decimals, no trailing zeros. */
const text = (seconds: number) => String(Math.round(seconds * 100) / 100);

interface TrimEditorProps {
  asset: Asset;
  label: string;
  /** The trim job delivered the new revision. */
  onDelivered: (assetId: string) => void;
}

/**
 * Cut a clip: a filmstrip of its frames with a handle for the start and one for the end (drag them, or focus one
 * and use the arrow keys: a frame each, Shift a second), the same times as numbers, a preview that plays only the
 * chosen part, and Apply, which makes a new revision (at least a second long; the original is kept).
 */
export function TrimEditor({ asset, label, onDelivered }: TrimEditorProps) {
  const duration = clipSeconds(asset) ?? 0;
  const fps = asset.fps ?? null;
  const [range, setRange] = useState<TrimRange>({ start: 0, end: duration });
  const [texts, setTexts] = useState({ start: text(0), end: text(duration) });
  const player = useRef<PlayerHandle>(null);
  const strip = useRef<HTMLDivElement>(null);
  const dragging = useRef<Handle | null>(null);
  const frames = useFilmstrip(asset.id, asset.original_url, duration, FRAMES);
  const edit = useVideoEdit(asset.id, onDelivered);

  const problem = trimProblem(range, duration);
  const whole = problem !== null && range.start <= 1e-6 && range.end >= duration - 1e-6;
  const valid = problem === null;
  const serverProblem = edit.state.status === 'failed' ? (edit.state.fieldErrors['params.start_s'] ?? edit.state.fieldErrors['params.end_s'] ?? null) : null;

  const change = (next: TrimRange, moved?: Handle) => {
    setRange(next);
    setTexts({ start: text(next.start), end: text(next.end) });
    if (edit.state.status === 'failed') edit.reset();
    // Show the frame the handle is on.
    if (moved) player.current?.seek(next[moved]);
  };
  const move = (handle: Handle, value: number) => change(moveTrimHandle(range, handle, value, duration, fps), handle);

  const typed = (handle: Handle, raw: string) => {
    setTexts((current) => ({ ...current, [handle]: raw }));
    const value = raw.trim() === '' ? Number.NaN : Number(raw);
    setRange((current) => ({ ...current, [handle]: value }));
    if (edit.state.status === 'failed') edit.reset();
  };

  const timeAt = (clientX: number) => {
    const rect = strip.current?.getBoundingClientRect();
    if (!rect || rect.width === 0) return 0;
    return (Math.min(Math.max(0, clientX - rect.left), rect.width) / rect.width) * duration;
  };
  const onPointerDown = (handle: Handle) => (event: PointerEvent<HTMLDivElement>) => {
    event.preventDefault();
    event.currentTarget.setPointerCapture?.(event.pointerId);
    event.currentTarget.focus();
    dragging.current = handle;
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (dragging.current) move(dragging.current, timeAt(event.clientX));
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    dragging.current = null;
    event.currentTarget.releasePointerCapture?.(event.pointerId);
  };
  const onHandleKey = (handle: Handle) => (event: KeyboardEvent<HTMLDivElement>) => {
    const frame = fps ? 1 / fps : 0.1;
    const step = event.shiftKey ? 1 : frame;
    const value = Number.isFinite(range[handle]) ? range[handle] : 0;
    const moves: Record<string, number> = {
      ArrowLeft: value - step,
      ArrowDown: value - step,
      ArrowRight: value + step,
      ArrowUp: value + step,
      PageDown: value - 1,
      PageUp: value + 1,
      Home: handle === 'start' ? 0 : range.start + MIN_TRIM_S,
      End: handle === 'start' ? range.end - MIN_TRIM_S : duration,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    event.stopPropagation();
    move(handle, target);
  };

  const apply = () => {
    if (!valid || edit.busy) return;
    edit.run({ operation: 'trim', params: { start_s: range.start, end_s: range.end } });
  };

  const shown = (seconds: number) => (Number.isFinite(seconds) ? Math.min(Math.max(0, seconds), duration) : 0);
  const position = (seconds: number) => `${duration > 0 ? (shown(seconds) / duration) * 100 : 0}%`;
  const kept = valid ? range.end - range.start : null;
  const posters = Array.from({ length: FRAMES }, () => asset.poster_url ?? asset.preview_url);
  const thumbs = frames.status === 'ready' ? frames.frames : posters;

  return (
    <div className="video-editor trim-editor">
      <VideoPlayer
        key={asset.id}
        ref={player}
        src={asset.original_url}
        poster={asset.poster_url}
        label={`${label}, trim preview`}
        duration={duration}
        fps={fps}
        width={asset.width}
        height={asset.height}
        range={valid ? range : null}
      />
      <div
        className={cx('filmstrip', frames.status !== 'ready' && 'filmstrip--poster')}
        ref={strip}
        role="group"
        aria-label="Filmstrip: drag the handles to choose the part to keep"
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
      >
        <div className="filmstrip-frames" aria-hidden="true">
          {thumbs.map((src, index) => (
            <img key={index} src={src} alt="" draggable={false} />
          ))}
        </div>
        <div className="filmstrip-cut filmstrip-cut--before" style={{ width: position(range.start) }} aria-hidden="true" />
        <div className="filmstrip-cut filmstrip-cut--after" style={{ left: position(range.end) }} aria-hidden="true" />
        <div className="filmstrip-selection" style={{ left: position(range.start), right: `calc(100% - ${position(range.end)})` }} aria-hidden="true" />
        {(['start', 'end'] as const).map((handle) => (
          <div
            key={handle}
            className={cx('filmstrip-handle', `filmstrip-handle--${handle}`)}
            style={{ left: position(range[handle]) }}
            role="slider"
            tabIndex={0}
            aria-label={HANDLE_NAMES[handle]}
            aria-valuemin={handle === 'start' ? 0 : Math.min(duration, shown(range.start) + MIN_TRIM_S)}
            aria-valuemax={handle === 'start' ? Math.max(0, shown(range.end) - MIN_TRIM_S) : duration}
            aria-valuenow={Math.round(shown(range[handle]) * 100) / 100}
            aria-valuetext={formatSeconds(shown(range[handle]))}
            onPointerDown={onPointerDown(handle)}
            onKeyDown={onHandleKey(handle)}
          >
            <span className="filmstrip-grip" aria-hidden="true" />
          </div>
        ))}
      </div>
      {frames.status === 'unreadable' && <p className="field-hint">This browser couldn't read the clip's frames, so the poster stands in for them.</p>}
      <div className="trim-fields">
        {(['start', 'end'] as const).map((handle) => (
          <Field key={handle} label={handle === 'start' ? 'Start (seconds)' : 'End (seconds)'} className="trim-field">
            {(control) => (
              <Input
                {...control}
                type="number"
                inputMode="decimal"
                min={0}
                max={duration}
                step={0.01}
                value={texts[handle]}
                aria-invalid={problem && !whole ? true : undefined}
                onChange={(event) => typed(handle, event.target.value)}
                onBlur={() => Number.isFinite(range[handle]) && setTexts((current) => ({ ...current, [handle]: text(range[handle]) }))}
                disabled={edit.busy}
              />
            )}
          </Field>
        ))}
      </div>
      <p className={cx('editor-note', problem && !whole && 'editor-note--problem')} role={problem && !whole ? 'alert' : 'status'}>
        {problem ?? `Keeps ${formatSeconds(kept ?? 0)}, from ${formatSeconds(range.start)} to ${formatSeconds(range.end)}, of ${formatSeconds(duration)}.`}
      </p>
      {serverProblem && <p className="field-error">{serverProblem}</p>}
      <div className="button-row">
        <Button onClick={() => player.current?.play(range.start)} disabled={!valid}>
          <PlayIcon width={14} height={14} /> Preview the selection
        </Button>
        <Button variant="primary" onClick={apply} disabled={!valid} loading={edit.busy}>
          <ScissorsIcon width={16} height={16} /> Apply trim
        </Button>
      </div>
      <EditStatus state={edit.state} doing="Trimming the clip" />
    </div>
  );
}
