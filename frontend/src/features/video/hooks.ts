import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';

import { getAssetOptions } from '@/client/@tanstack/react-query.gen';
import type { EditRequest } from '@/client/types.gen';
import { invalidateAssets } from '@/features/assets/hooks';
import { useEditAsset } from '@/features/assets/mutations';
import { isFinished, useJob } from '@/features/stores/hooks';
import { parseError } from '@/lib/problem';

export type VideoEditState =
  | { status: 'idle' }
  | { status: 'starting' }
  | { status: 'running'; queued: boolean }
  | { status: 'done'; assetId: string }
  | { status: 'failed'; message: string; fieldErrors: Record<string, string> };

/**
 * A video edit (trim, reframe, mute): POSTed as an edit of the clip (202, a free job on the video queue), then the
 * job is followed until it delivers the new revision, whose id is handed to `onDelivered`. The original clip is
 * never changed.
 */
export function useVideoEdit(assetId: string, onDelivered: (assetId: string) => void) {
  const queryClient = useQueryClient();
  const edit = useEditAsset();
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useJob(jobId);
  const onDeliveredRef = useRef(onDelivered);
  useEffect(() => {
    onDeliveredRef.current = onDelivered;
  });

  const status = job.data?.status;
  const finished = jobId !== null && isFinished(status);
  const delivered = status === 'succeeded' && typeof job.data?.result?.asset_id === 'string' ? job.data.result.asset_id : null;
  useEffect(() => {
    if (finished) void invalidateAssets(queryClient);
  }, [finished, queryClient]);
  useEffect(() => {
    if (!delivered) return;
    let live = true;
    // The new revision is read before it is handed on, so whatever shows it next never blinks to "loading".
    void queryClient
      .prefetchQuery(getAssetOptions({ path: { asset_id: delivered } }))
      .finally(() => live && onDeliveredRef.current(delivered));
    return () => {
      live = false;
    };
  }, [delivered, queryClient]);

  const { mutate, reset } = edit;
  const run = useCallback(
    (body: EditRequest) => {
      setJobId(null);
      mutate({ assetId, body }, { onSuccess: (result) => result.kind === 'job' && setJobId(result.job.job.id) });
    },
    [assetId, mutate],
  );

  let state: VideoEditState;
  if (edit.isPending) state = { status: 'starting' };
  else if (edit.isError) {
    const parsed = parseError(edit.error);
    state = { status: 'failed', message: parsed.message, fieldErrors: parsed.fieldErrors };
  } else if (jobId === null) state = { status: 'idle' };
  else if (delivered) state = { status: 'done', assetId: delivered };
  else if (finished)
    state = { status: 'failed', message: job.data?.error?.message ?? 'The edit could not be made.', fieldErrors: {} };
  else state = { status: 'running', queued: status !== 'running' };
  return { state, run, reset, busy: state.status === 'starting' || state.status === 'running' };
}

export type Filmstrip = { status: 'loading' | 'unreadable'; frames: [] } | { status: 'ready'; frames: string[] };

/** Frames read from clips this session, by asset id: a signed URL changes with every read, the frames do not. */
const filmstrips = new Map<string, string[]>();
const FRAME_HEIGHT = 90;
const GRAB_TIMEOUT_MS = 15_000;

/** Resolves on the clip's `event`, rejects when it fails to load or the grab is given up. */
function next(video: HTMLVideoElement, event: 'loadeddata' | 'seeked', signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (fn: () => void) => () => {
      video.removeEventListener(event, ok);
      video.removeEventListener('error', failed);
      signal.removeEventListener('abort', failed);
      fn();
    };
    const ok = settle(resolve);
    const failed = settle(() => reject(new Error('the clip could not be read')));
    if (signal.aborted) return failed();
    video.addEventListener(event, ok);
    video.addEventListener('error', failed);
    signal.addEventListener('abort', failed);
  });
}

/** `count` frames spread over the clip, as small JPEG data URLs, read in the browser from the clip itself. */
async function grabFrames(url: string, duration: number, count: number, signal: AbortSignal): Promise<string[]> {
  const video = document.createElement('video');
  // Frames of a clip from another origin can only be read back when it allows it (CORS); otherwise this fails and
  // the poster stands in.
  video.crossOrigin = 'anonymous';
  video.muted = true;
  video.preload = 'auto';
  video.playsInline = true;
  const ready = next(video, 'loadeddata', signal);
  video.src = url;
  try {
    await ready;
    const canvas = document.createElement('canvas');
    const scale = FRAME_HEIGHT / (video.videoHeight || FRAME_HEIGHT);
    canvas.height = FRAME_HEIGHT;
    canvas.width = Math.max(1, Math.round((video.videoWidth || FRAME_HEIGHT) * scale));
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no canvas');
    const frames: string[] = [];
    for (let index = 0; index < count; index++) {
      const seeked = next(video, 'seeked', signal);
      video.currentTime = Math.min(duration - 0.05, ((index + 0.5) * duration) / count);
      await seeked;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      frames.push(canvas.toDataURL('image/jpeg', 0.7)); // throws SecurityError for an unreadable clip
    }
    return frames;
  } finally {
    video.removeAttribute('src');
    video.load();
  }
}

/**
 * Thumbnails across a clip for the trim editor, grabbed client-side with a canvas; `unreadable` when the browser
 * cannot decode the clip or read its pixels (then the poster stands in).
 */
export function useFilmstrip(assetId: string, url: string, duration: number, count: number): Filmstrip {
  const [grabbed, setGrabbed] = useState<{ assetId: string; strip: Filmstrip } | null>(null);
  const urlRef = useRef(url);
  useEffect(() => {
    urlRef.current = url;
  });
  useEffect(() => {
    if (filmstrips.has(assetId) || duration <= 0) return;
    let live = true;
    const controller = new AbortController();
    // A clip that never loads (or seeks) gives up after a while: the poster stands in.
    const timer = setTimeout(() => controller.abort(), GRAB_TIMEOUT_MS);
    grabFrames(urlRef.current, duration, count, controller.signal).then(
      (frames) => {
        filmstrips.set(assetId, frames);
        if (live) setGrabbed({ assetId, strip: { status: 'ready', frames } });
      },
      () => {
        if (live) setGrabbed({ assetId, strip: { status: 'unreadable', frames: [] } });
      },
    );
    return () => {
      live = false;
      clearTimeout(timer);
      controller.abort();
    };
  }, [assetId, duration, count]);
  const cached = filmstrips.get(assetId);
  if (cached) return { status: 'ready', frames: cached };
  return grabbed?.assetId === assetId ? grabbed.strip : { status: 'loading', frames: [] };
}
