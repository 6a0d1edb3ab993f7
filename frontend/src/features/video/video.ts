/**
 * The video Studio's choices and the pure rules around clips: what a request looks like, what it costs, what the
 * chosen provider can make, which control a refusal belongs to, times in words, and the trim and reframe geometry
 * (the same arithmetic the API uses). No React here, so it is easy to test.
 */
import type { CostTableOut, GenerateRequest, GenerationOptionsOut, VideoProviderOptionOut } from '@/client/types.gen';
import { providerLabel } from '@/features/assets/hooks';
import { parseError, type ParsedError } from '@/lib/problem';

export type VideoProvider = VideoProviderOptionOut;

/** The longest extra direction the API takes (api/generation/prompt.py, MAX_USER_PROMPT). */
export const MAX_PROMPT = 1000;
/** The shortest clip a trim may leave (api/assets/schemas.py, MIN_TRIM_SECONDS). */
export const MIN_TRIM_S = 1;
/** The aspect ratios a clip can be made or reframed in. */
export const VIDEO_ASPECTS = ['16:9', '9:16', '1:1', '4:5'] as const;

/** Where the clip's first frame comes from: a product photo, or an image asset of the workspace. */
export type SourceKind = 'product' | 'asset';

export interface VideoChoices {
  source: SourceKind;
  productId: string | null;
  /** Which of the product's photos (null: its primary). */
  baseImageId: string | null;
  assetId: string | null;
  cameraMotion: string;
  aspectRatio: string;
  resolution: string;
  durationS: number;
  fps: number;
  provider: string;
  variants: number;
  prompt: string;
}

/** The controls a message can be shown next to. */
export type VideoField = 'source' | 'camera_motion' | 'aspect_ratio' | 'resolution' | 'duration_s' | 'fps' | 'provider' | 'variants' | 'prompt';

/** What each camera motion does, said under its preview. */
export const MOTION_HINTS: Record<string, string> = {
  static: 'The camera holds still',
  push_in: 'Slowly closer',
  pull_out: 'Slowly back',
  pan: 'Slides sideways',
  parallax: 'Orbits the product',
};

/** "Push in (slowly closer)" → "Push in": the options' label without its explanation. */
export function motionName(label: string): string {
  return label.replace(/\s*\(.*\)\s*$/, '');
}

function defaultOf<T>(defaults: Record<string, unknown>, key: string, isType: (value: unknown) => value is T, fallback: T): T {
  const value = defaults[key];
  return isType(value) ? value : fallback;
}
const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** The lengths a provider makes at a resolution (Veo makes 1080p at 8 s only). */
export function providerDurations(provider: VideoProvider | undefined, resolution: string): number[] {
  if (!provider) return [];
  return provider.durations_by_resolution[resolution] ?? provider.durations;
}

/** The first of the wanted values the provider offers, else its first offer. */
function offered<T>(wanted: T, offers: readonly T[]): T {
  return offers.includes(wanted) ? wanted : (offers[0] ?? wanted);
}

export function videoProviderOf(options: GenerationOptionsOut, name: string): VideoProvider | undefined {
  return options.video.providers.find((provider) => provider.name === name);
}

export function defaultVideoChoices(options: GenerationOptionsOut, start: { productId?: string | null; assetId?: string | null } = {}): VideoChoices {
  const video = options.video;
  const provider = videoProviderOf(options, options.default_provider) ?? video.providers[0];
  const defaults = video.defaults;
  const resolution = offered(defaultOf(defaults, 'resolution', isString, '720p'), provider?.resolutions ?? video.resolutions);
  const duration = defaultOf(defaults, 'duration_s', isNumber, 6);
  return {
    source: start.assetId && !start.productId ? 'asset' : 'product',
    productId: start.productId ?? null,
    baseImageId: null,
    assetId: start.assetId ?? null,
    cameraMotion: offered(defaultOf(defaults, 'camera_motion', isString, 'push_in'), provider?.camera_motions ?? video.camera_motions.map((m) => m.value)),
    aspectRatio: offered(defaultOf(defaults, 'aspect_ratio', isString, '16:9'), provider?.aspect_ratios ?? video.aspect_ratios),
    resolution,
    durationS: provider ? offered(duration, providerDurations(provider, resolution)) : duration,
    fps: offered(defaultOf(defaults, 'fps', isNumber, 24), provider?.frame_rates ?? video.frame_rates),
    provider: provider?.name ?? options.default_provider,
    variants: 1,
    prompt: '',
  };
}

/** The request POST /generations takes for these choices. */
export function videoRequestBody(choices: VideoChoices): GenerateRequest {
  const prompt = choices.prompt.trim();
  const settings = {
    aspect_ratio: choices.aspectRatio,
    resolution: choices.resolution as '720p' | '1080p',
    duration_s: choices.durationS,
    fps: choices.fps as 24 | 30,
    camera_motion: choices.cameraMotion as NonNullable<NonNullable<GenerateRequest['settings']>['camera_motion']>,
    prompt: prompt || null,
  };
  const common = { type: 'video' as const, variants: choices.variants, provider: choices.provider };
  if (choices.source === 'asset') return { ...common, source_asset_id: choices.assetId, settings };
  return { ...common, product_ids: choices.productId ? [choices.productId] : [], settings: { ...settings, base_image_id: choices.baseImageId } };
}

/** Credits one delivered clip costs at this resolution in the published cost table; null when it has no price. */
export function clipCredits(costs: CostTableOut | undefined, resolution: string): number | null {
  const rates = costs?.rates.filter((rate) => rate.operation === 'video') ?? [];
  const rate = rates.find((r) => r.parameter === 'resolution' && r.variant === resolution) ?? rates.find((r) => !r.parameter);
  return rate ? rate.credits : null;
}

/** What the request will hold: per-clip price × clips. */
export function videoQuote(costs: CostTableOut | undefined, resolution: string, clips: number): number | null {
  const each = clipCredits(costs, resolution);
  return each === null ? null : each * clips;
}

/**
 * What stops these choices from being generated, said before anything is sent: no source yet, or an option the
 * chosen provider cannot make (the API refuses the same; nothing is ever silently changed).
 */
export function videoProblems(choices: VideoChoices, provider: VideoProvider | undefined): Partial<Record<VideoField, string>> {
  const problems: Partial<Record<VideoField, string>> = {};
  if (choices.source === 'product' ? !choices.productId : !choices.assetId)
    problems.source = choices.source === 'product' ? 'Choose the product whose photo to animate.' : 'Choose the image to animate.';
  if (!provider) {
    problems.provider = 'Choose a provider that makes videos.';
    return problems;
  }
  const name = providerLabel(provider.name);
  if (!provider.aspect_ratios.includes(choices.aspectRatio))
    problems.aspect_ratio = `${name} can't make ${choices.aspectRatio} videos. Choose ${provider.aspect_ratios.join(', ')}.`;
  if (!provider.resolutions.includes(choices.resolution))
    problems.resolution = `${name} can't make ${choices.resolution} videos. Choose ${provider.resolutions.join(' or ')}.`;
  else {
    const durations = providerDurations(provider, choices.resolution);
    if (!durations.includes(choices.durationS))
      problems.duration_s = `${name} makes ${choices.resolution} clips of ${durations.map((d) => `${d} s`).join(', ')}, not ${choices.durationS} s.`;
  }
  if (!provider.frame_rates.includes(choices.fps)) problems.fps = `${name} makes videos at ${provider.frame_rates.join(' or ')} fps.`;
  if (!provider.camera_motions.includes(choices.cameraMotion)) problems.camera_motion = `${name} can't follow this camera motion. Choose another.`;
  return problems;
}

const FIELDS: Record<string, VideoField> = {
  aspect_ratio: 'aspect_ratio',
  resolution: 'resolution',
  duration_s: 'duration_s',
  fps: 'fps',
  camera_motion: 'camera_motion',
  provider: 'provider',
  variants: 'variants',
  prompt: 'prompt',
  source_asset_id: 'source',
  product_ids: 'source',
  product_images: 'source',
  base_image_id: 'source',
};

/** Which control an API field path belongs to: `settings.duration_s` → the duration, `source_asset_id` → the source. */
export function videoFieldOf(path: string): VideoField | null {
  const head = path.replace(/^(body\.)?(settings\.)?/, '').split('.')[0] ?? '';
  return FIELDS[head.replace(/\[\d+\]$/, '')] ?? null;
}

export interface VideoErrors {
  fields: Partial<Record<VideoField, string>>;
  general: string | null;
  /** The balance is short (402): shown as the buy-credits prompt, never as a raw error. */
  payment: ParsedError | null;
}

/** Splits a failed Generate between the controls (422s), the credits prompt (402) and one general line. */
export function videoErrors(error: unknown): VideoErrors {
  if (error === null || error === undefined) return { fields: {}, general: null, payment: null };
  const parsed = parseError(error);
  if (parsed.status === 402) return { fields: {}, general: null, payment: parsed };
  const fields: Partial<Record<VideoField, string>> = {};
  const leftovers: string[] = [];
  for (const [path, message] of Object.entries(parsed.fieldErrors)) {
    const field = videoFieldOf(path);
    if (field && !fields[field]) fields[field] = message;
    else if (!field) leftovers.push(message);
  }
  if (parsed.code === 'provider_not_available' && !fields.provider) fields.provider = parsed.message;
  if ((parsed.code === 'asset_not_found' || parsed.code === 'product_not_found' || parsed.code === 'product_without_images') && !fields.source)
    fields.source = parsed.message;
  let general: string | null = null;
  if (leftovers.length > 0) general = leftovers.join(' ');
  else if (Object.keys(fields).length === 0) general = parsed.message;
  return { fields, general, payment: null };
}

// ---------- time ----------

/** "0:03", "1:02", or with tenths "0:03.5": a time in a clip. */
export function formatClock(seconds: number, tenths = false): string {
  const safe = Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
  const whole = tenths ? Math.floor(safe * 10) / 10 : Math.floor(safe);
  const minutes = Math.floor(whole / 60);
  const rest = whole - minutes * 60;
  const secondsText = tenths ? rest.toFixed(1).padStart(4, '0') : String(Math.floor(rest)).padStart(2, '0');
  return `${minutes}:${secondsText}`;
}

/** "2.5 s", "6 s": a length for people, to a tenth. */
export function formatSeconds(seconds: number): string {
  return `${(Math.round(seconds * 10) / 10).toLocaleString(undefined, { maximumFractionDigits: 1 })} s`;
}

/** A clip's length in seconds from its asset (null when unknown). */
export function clipSeconds(asset: { duration_ms?: number | null }): number | null {
  return typeof asset.duration_ms === 'number' && asset.duration_ms > 0 ? asset.duration_ms / 1000 : null;
}

// ---------- trim ----------

/** The nearest frame's time (the API cuts on frames too). */
export function snapToFrame(seconds: number, fps: number | null | undefined): number {
  if (!fps || fps <= 0) return Math.round(seconds * 100) / 100;
  return Math.round(seconds * fps) / fps;
}

export interface TrimRange {
  start: number;
  end: number;
}

/** Why a trim cannot be applied, or null: inside the clip, at least a second long, and actually cutting something. */
export function trimProblem(range: TrimRange, duration: number): string | null {
  const { start, end } = range;
  if (!Number.isFinite(start) || !Number.isFinite(end)) return 'Enter the start and the end in seconds.';
  if (start < 0) return 'The start cannot be before 0 s.';
  if (end > duration + 1e-6) return `The clip is ${formatSeconds(duration)} long: end at ${formatSeconds(duration)} at the latest.`;
  if (end - start < MIN_TRIM_S - 1e-6) return `Keep at least ${MIN_TRIM_S} s: the end must be at least ${MIN_TRIM_S} s after the start.`;
  if (start <= 1e-6 && end >= duration - 1e-6) return 'That is the whole clip: move a handle to cut something off.';
  return null;
}

/** Moves one end of the range, keeping at least a second between the two and both inside the clip. */
export function moveTrimHandle(range: TrimRange, handle: 'start' | 'end', value: number, duration: number, fps?: number | null): TrimRange {
  if (handle === 'start') {
    const start = Math.min(Math.max(0, snapToFrame(value, fps)), Math.max(0, range.end - MIN_TRIM_S));
    return { ...range, start };
  }
  const end = Math.max(Math.min(duration, snapToFrame(value, fps)), Math.min(duration, range.start + MIN_TRIM_S));
  return { ...range, end };
}

// ---------- reframe ----------

export interface CropBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

const even = (value: number) => Math.max(2, value - (value % 2));

/**
 * The largest box of `aspect` inside a `width` × `height` frame, centred on the focus point (fractions of the width
 * and height) as far as the frame allows: api/generation/video_media.py `crop_box`, in pixels.
 */
export function cropBox(width: number, height: number, aspect: string, focusX: number, focusY: number): CropBox {
  const [aw = 1, ah = 1] = aspect.split(':').map(Number);
  let boxW = width;
  let boxH = Math.round((width * ah) / aw);
  if (boxH > height) {
    boxW = Math.round((height * aw) / ah);
    boxH = height;
  }
  boxW = even(Math.min(boxW, width));
  boxH = even(Math.min(boxH, height));
  const left = Math.min(Math.max(0, Math.round(focusX * width - boxW / 2)), width - boxW);
  const top = Math.min(Math.max(0, Math.round(focusY * height - boxH / 2)), height - boxH);
  return { left, top, width: boxW, height: boxH };
}

/** Which way the focus point can move the crop: a box as wide as the frame only slides up and down, and so on. */
export function cropFreedom(width: number, height: number, aspect: string): { x: boolean; y: boolean } {
  const box = cropBox(width, height, aspect, 0.5, 0.5);
  return { x: box.width < width, y: box.height < height };
}

/** "16:9" from a width and height, when it is one of the clip shapes (else the nearest by ratio). */
export function aspectOf(width: number, height: number): string {
  const ratio = width / height;
  let best: string = VIDEO_ASPECTS[0];
  let distance = Infinity;
  for (const aspect of VIDEO_ASPECTS) {
    const [w = 1, h = 1] = aspect.split(':').map(Number);
    const gap = Math.abs(w / h - ratio);
    if (gap < distance) [best, distance] = [aspect, gap];
  }
  return best;
}
