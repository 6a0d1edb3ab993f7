import { type CSSProperties, type KeyboardEvent, type Ref, useCallback, useEffect, useImperativeHandle, useRef, useState } from 'react';

import { Spinner } from '@/components/ui';
import { cx } from '@/lib/cx';

import { ExitFullscreenIcon, FullscreenIcon, LoopIcon, MutedIcon, PauseIcon, PlayIcon, VolumeIcon } from './icons';
import { formatClock, type TrimRange } from './video';

import './video.css';

/** What a parent can do with a player: the trim editor plays the chosen range and shows a handle's frame. */
export interface PlayerHandle {
  play: (from?: number) => void;
  pause: () => void;
  seek: (seconds: number) => void;
}

interface VideoPlayerProps {
  /** The clip (its signed URL: the first one given is kept, a fresh one is taken only if that fails). */
  src: string;
  poster?: string | null;
  /** What the clip is, for the player's accessible name ("Video player: …"). */
  label: string;
  /** The clip's length, known from its asset before the browser has read the file. */
  duration?: number | null;
  fps?: number | null;
  width?: number;
  height?: number;
  /** Play only this part of the clip (the trim editor's preview); the scrubber shows it. */
  range?: TrimRange | null;
  defaultLoop?: boolean;
  ref?: Ref<PlayerHandle>;
  className?: string;
}

const SEEK_STEP_S = 1;
const EPSILON = 0.005;

const isFormControl = (target: EventTarget) => target instanceof HTMLElement && Boolean(target.closest('button, a, select, textarea, input:not([type="range"])'));

/**
 * A clip with its own controls: play/pause, a scrubber, the time, loop, mute and full screen, all reachable by
 * keyboard (Space or K plays and pauses, ←/→ move a second, Shift+←/→ or , and . a frame, Home/End, M mutes,
 * F goes full screen). Clicking the picture plays or pauses it.
 */
export function VideoPlayer({ src, poster, label, duration, fps, width, height, range = null, defaultLoop = false, ref, className }: VideoPlayerProps) {
  const root = useRef<HTMLDivElement>(null);
  const video = useRef<HTMLVideoElement>(null);
  const [source, setSource] = useState(src);
  const [playing, setPlaying] = useState(false);
  const [waiting, setWaiting] = useState(false);
  const [time, setTime] = useState(range?.start ?? 0);
  const [mediaDuration, setMediaDuration] = useState<number | null>(null);
  const [muted, setMuted] = useState(false);
  const [loop, setLoop] = useState(defaultLoop);
  const [fullscreen, setFullscreen] = useState(false);
  const [failed, setFailed] = useState(false);
  const [blocked, setBlocked] = useState<string | null>(null);
  const rangeRef = useRef(range);
  const loopRef = useRef(loop);
  useEffect(() => {
    rangeRef.current = range;
    loopRef.current = loop;
  });

  const length = mediaDuration ?? duration ?? 0;
  const frame = fps && fps > 0 ? 1 / fps : 1 / 30;

  const seek = useCallback((seconds: number) => {
    const element = video.current;
    if (!element) return;
    const total = Number.isFinite(element.duration) ? element.duration : Infinity;
    const next = Math.min(Math.max(0, seconds), total);
    element.currentTime = next;
    setTime(next);
  }, []);

  const play = useCallback(
    (from?: number) => {
      const element = video.current;
      if (!element) return;
      const part = rangeRef.current;
      if (from !== undefined) seek(from);
      else if (part && (element.currentTime < part.start - EPSILON || element.currentTime >= part.end - EPSILON)) seek(part.start);
      setBlocked(null);
      const started = element.play() as Promise<void> | undefined;
      started?.catch((error: unknown) => {
        // A pause before playback started rejects with AbortError: nothing went wrong.
        if (error instanceof DOMException && error.name === 'AbortError') return;
        setBlocked('The browser did not start playback. Press Play again.');
      });
    },
    [seek],
  );
  const pause = useCallback(() => video.current?.pause(), []);
  const toggle = () => (video.current && !video.current.paused ? pause() : play());
  useImperativeHandle(ref, () => ({ play, pause, seek }), [play, pause, seek]);

  // While playing, the time is read every frame: the scrubber moves smoothly and a range stops on time.
  useEffect(() => {
    if (!playing) return;
    let handle = 0;
    const tick = () => {
      const element = video.current;
      if (!element) return;
      const part = rangeRef.current;
      if (part && element.currentTime >= part.end - EPSILON) {
        if (loopRef.current) element.currentTime = part.start;
        else {
          element.pause();
          element.currentTime = part.end;
        }
      }
      setTime(element.currentTime);
      handle = requestAnimationFrame(tick);
    };
    handle = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(handle);
  }, [playing]);

  useEffect(() => {
    const onChange = () => setFullscreen(document.fullscreenElement === root.current && root.current !== null);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

  const canFullscreen = typeof document !== 'undefined' && document.fullscreenEnabled === true;
  const toggleFullscreen = () => {
    if (!canFullscreen) return;
    if (document.fullscreenElement) void document.exitFullscreen();
    else void root.current?.requestFullscreen();
  };
  const toggleMute = () => {
    if (video.current) video.current.muted = !video.current.muted;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    const onControl = isFormControl(event.target);
    const current = video.current?.currentTime ?? time;
    let handled = true;
    if (key === ' ' && !onControl) toggle();
    else if (key === 'k') toggle();
    else if (key === 'ArrowLeft') seek(current - (event.shiftKey ? frame : SEEK_STEP_S));
    else if (key === 'ArrowRight') seek(current + (event.shiftKey ? frame : SEEK_STEP_S));
    else if (key === ',') seek(current - frame);
    else if (key === '.') seek(current + frame);
    else if (key === 'Home') seek(range?.start ?? 0);
    else if (key === 'End') seek(range?.end ?? length);
    else if (key === 'm') toggleMute();
    else if (key === 'f') toggleFullscreen();
    else handled = false;
    if (handled) {
      event.preventDefault();
      // The keys are the player's: a preview dialog around it must not also move to another asset.
      event.stopPropagation();
    }
  };

  const percent = (seconds: number) => (length > 0 ? `${Math.min(100, Math.max(0, (seconds / length) * 100))}%` : '0%');
  const track = {
    '--played': percent(time),
    '--range-start': percent(range?.start ?? 0),
    '--range-end': percent(range?.end ?? length),
  } as CSSProperties;
  const shape = width && height ? ({ aspectRatio: `${width} / ${height}` } as CSSProperties) : undefined;
  const timeText = `${formatClock(time, true)} / ${formatClock(length, true)}`;

  return (
    <div
      ref={root}
      className={cx('player', fullscreen && 'player--fullscreen', className)}
      role="group"
      aria-label={`Video player: ${label}`}
      aria-keyshortcuts="Space K ArrowLeft ArrowRight Home End M F"
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div className="player-stage" style={shape}>
        <video
          ref={video}
          className="player-video"
          src={source}
          poster={poster ?? undefined}
          preload="metadata"
          playsInline
          loop={loop && !range}
          onClick={toggle}
          onDoubleClick={toggleFullscreen}
          onPlay={() => setPlaying(true)}
          onPause={() => setPlaying(false)}
          onEnded={() => {
            setPlaying(false);
            const part = rangeRef.current;
            if (part && loopRef.current) play(part.start);
          }}
          onWaiting={() => setWaiting(true)}
          onPlaying={() => setWaiting(false)}
          onCanPlay={() => setWaiting(false)}
          onTimeUpdate={(event) => setTime(event.currentTarget.currentTime)}
          onSeeked={(event) => setTime(event.currentTarget.currentTime)}
          onLoadedMetadata={(event) => {
            const value = event.currentTarget.duration;
            if (Number.isFinite(value) && value > 0) setMediaDuration(value);
            setFailed(false);
          }}
          onDurationChange={(event) => {
            const value = event.currentTarget.duration;
            if (Number.isFinite(value) && value > 0) setMediaDuration(value);
          }}
          onVolumeChange={(event) => setMuted(event.currentTarget.muted)}
          onError={() => {
            // The signed URL may have expired: take the fresh one once before giving up.
            if (src !== source) setSource(src);
            else setFailed(true);
            setWaiting(false);
          }}
        />
        {!playing && !failed && (
          <span className="player-big-play" aria-hidden="true">
            <PlayIcon width={30} height={30} />
          </span>
        )}
        {waiting && playing && (
          <span className="player-waiting">
            <Spinner size="sm" label="Loading the clip" />
          </span>
        )}
        {failed && (
          <div className="player-failed" role="alert">
            <p>This browser can't play this clip.</p>
            <a href={source} download>
              Download it to watch
            </a>
          </div>
        )}
      </div>
      <div className="player-controls">
        <button
          type="button"
          className="player-button"
          aria-label={playing ? 'Pause' : 'Play'}
          aria-keyshortcuts="K"
          title={playing ? 'Pause (K)' : 'Play (K)'}
          onClick={toggle}
          disabled={failed}
        >
          {playing ? <PauseIcon /> : <PlayIcon />}
        </button>
        <input
          type="range"
          className={cx('player-scrub', range && 'player-scrub--range')}
          style={track}
          aria-label="Seek"
          min={0}
          max={length || 0}
          step={frame}
          value={Math.min(time, length || 0)}
          aria-valuenow={Math.round(time * 100) / 100}
          aria-valuetext={`${formatClock(time, true)} of ${formatClock(length, true)}`}
          onChange={(event) => seek(Number(event.target.value))}
          disabled={failed || length === 0}
        />
        <span className="player-time" aria-hidden="true">
          {timeText}
        </span>
        <button
          type="button"
          className={cx('player-button', loop && 'player-button--on')}
          aria-label="Loop"
          aria-pressed={loop}
          title={loop ? 'Looping: play once instead' : 'Loop'}
          onClick={() => setLoop((on) => !on)}
        >
          <LoopIcon />
        </button>
        <button
          type="button"
          className="player-button"
          aria-label="Mute"
          aria-pressed={muted}
          aria-keyshortcuts="M"
          title={muted ? 'Unmute (M)' : 'Mute (M)'}
          onClick={toggleMute}
        >
          {muted ? <MutedIcon /> : <VolumeIcon />}
        </button>
        <button
          type="button"
          className="player-button"
          aria-label={fullscreen ? 'Exit full screen' : 'Full screen'}
          aria-keyshortcuts="F"
          title={canFullscreen ? `${fullscreen ? 'Exit full screen' : 'Full screen'} (F)` : 'Full screen is not available here'}
          onClick={toggleFullscreen}
          disabled={!canFullscreen}
        >
          {fullscreen ? <ExitFullscreenIcon /> : <FullscreenIcon />}
        </button>
      </div>
      {blocked && (
        <p className="player-note" role="status">
          {blocked}
        </p>
      )}
    </div>
  );
}
