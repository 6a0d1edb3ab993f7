/** Video payloads shaped like the API's schemas (GET /generation/options `video`, video assets, edit jobs). */
import { vi } from 'vitest';

export const CAMERA_MOTIONS = [
  { value: 'static', label: 'Static (camera holds still)' },
  { value: 'push_in', label: 'Push in (slowly closer)' },
  { value: 'pull_out', label: 'Pull out (slowly back)' },
  { value: 'pan', label: 'Pan (slide sideways)' },
  { value: 'parallax', label: 'Orbit-like parallax (around the product)' },
];

/** The built-in renderer: every option. */
export function videoProviderFixture(overrides: Record<string, unknown> = {}) {
  return {
    name: 'local',
    aspect_ratios: ['16:9', '9:16', '1:1', '4:5'],
    resolutions: ['720p', '1080p'],
    durations: [3, 4, 5, 6, 7, 8, 9, 10],
    durations_by_resolution: {},
    frame_rates: [24, 30],
    camera_motions: CAMERA_MOTIONS.map((motion) => motion.value),
    deterministic: true,
    ...overrides,
  };
}

/** Veo as the API describes it: 16:9 and 9:16, 4/6/8 s, 1080p at 8 s only, 24 fps. */
export function veoProviderFixture() {
  return videoProviderFixture({
    name: 'gemini',
    aspect_ratios: ['16:9', '9:16'],
    durations: [4, 6, 8],
    durations_by_resolution: { '1080p': [8] },
    frame_rates: [24],
    deterministic: false,
  });
}

export function videoOptions(overrides: Record<string, unknown> = {}) {
  return {
    aspect_ratios: ['16:9', '9:16', '1:1', '4:5'],
    resolutions: ['720p', '1080p'],
    min_duration_s: 3,
    max_duration_s: 10,
    frame_rates: [24, 30],
    camera_motions: CAMERA_MOTIONS,
    defaults: { aspect_ratio: '16:9', resolution: '720p', duration_s: 6, fps: 24, camera_motion: 'push_in' },
    providers: [videoProviderFixture()],
    ...overrides,
  };
}

/** A delivered clip: 6 s of 1280 × 720 at 24 fps, H.264, no sound, made from the product's photo. */
export function videoAssetFixture(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    type: 'video',
    product_id: 'prod-1',
    product_ids: ['prod-1'],
    job_id: 'job-1',
    parent_asset_id: null,
    parent_id: null,
    edit: null,
    width: 1280,
    height: 720,
    duration_ms: 6000,
    fps: 24,
    codec: 'h264',
    has_audio: false,
    content_type: 'video/mp4',
    size_bytes: 900_000,
    prompt: 'A slow push in on the product in a bright studio.',
    settings: { camera_motion: [{ value: 'push_in', source: 'flow', label: 'This request' }] },
    scene_type: 'studio',
    aspect_ratio: '16:9',
    quality: '720p',
    provider: 'local',
    model: 'epox-motion-1',
    seed: 4242,
    credits_charged: 5,
    pinned: false,
    favorite: false,
    approval: 'pending',
    approved_by_user_id: null,
    approved_at: null,
    sync_state: 'not_synced',
    sync_error: null,
    external_id: null,
    version: 1,
    deleted_at: null,
    purge_at: null,
    preview_url: `http://localhost/files/${id}/poster.webp`,
    original_url: `http://localhost/files/${id}/original.mp4`,
    poster_url: `http://localhost/files/${id}/poster.webp`,
    preview_video_url: `http://localhost/files/${id}/preview.mp4`,
    created_at: '2026-11-27T09:05:00Z',
    ...overrides,
  };
}

/**
 * jsdom has <video> elements but no media engine: play() and pause() are stubbed to flip `paused` and fire the
 * events a browser fires, and the clip's length is set, so the player's own logic runs as in a browser.
 */
export function fakeMediaPlayback(duration: number) {
  const proto = HTMLMediaElement.prototype;
  const original = { paused: Object.getOwnPropertyDescriptor(proto, 'paused'), duration: Object.getOwnPropertyDescriptor(proto, 'duration') };
  const paused = new WeakMap<HTMLMediaElement, boolean>();
  Object.defineProperty(proto, 'paused', {
    configurable: true,
    get(this: HTMLMediaElement) {
      return paused.get(this) ?? true;
    },
  });
  Object.defineProperty(proto, 'duration', { configurable: true, get: () => duration });
  const play = vi.spyOn(proto, 'play').mockImplementation(function (this: HTMLMediaElement) {
    paused.set(this, false);
    this.dispatchEvent(new Event('play'));
    return Promise.resolve();
  });
  const pause = vi.spyOn(proto, 'pause').mockImplementation(function (this: HTMLMediaElement) {
    paused.set(this, true);
    this.dispatchEvent(new Event('pause'));
  });
  vi.spyOn(proto, 'load').mockImplementation(() => undefined);
  return {
    play,
    pause,
    /** Moves the clip on as a browser does while it plays. */
    advance(video: HTMLVideoElement, seconds: number) {
      video.currentTime = Math.min(duration, video.currentTime + seconds);
      video.dispatchEvent(new Event('timeupdate'));
    },
    /** Puts jsdom's own `paused` and `duration` back (the spies are restored by vitest). */
    restore() {
      if (original.paused) Object.defineProperty(proto, 'paused', original.paused);
      if (original.duration) Object.defineProperty(proto, 'duration', original.duration);
    },
  };
}
