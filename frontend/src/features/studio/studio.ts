/**
 * The Studio's choices and the pure rules around them: what a request looks like, what it costs, what the chosen
 * provider can make, and which control a refusal from the API belongs to. No React here, so it is easy to test.
 */
import type {
  BubbleIn,
  BubbleOptionOut,
  BubbleType,
  CostTableOut,
  GenerateRequest,
  GenerationOptionsOut,
  ProviderOptionOut,
} from '@/client/types.gen';
import { providerLabel } from '@/features/assets/hooks';
import { parseError, type ParsedError } from '@/lib/problem';

export { providerLabel };

/** The longest extra direction the API takes (api/generation/prompt.py, MAX_USER_PROMPT). */
export const MAX_PROMPT = 1000;

/** Bubble type → its values: a single type holds at most one, an additive one any number. */
export type BubbleValues = Partial<Record<string, string[]>>;

export interface StudioChoices {
  baseImageId: string | null;
  sceneType: string;
  bubbles: BubbleValues;
  referenceImageIds: string[];
  aspectRatio: string;
  quality: string;
  variants: number;
  provider: string;
  prompt: string;
}

/** The controls a message can be shown next to. Bubbles are `bubble:<type>`. */
export type StudioField =
  | 'base_image'
  | 'scene_type'
  | 'reference_images'
  | 'aspect_ratio'
  | 'quality'
  | 'variants'
  | 'provider'
  | 'prompt'
  | `bubble:${string}`;

/**
 * A product's own generation defaults (`generation_settings`: `{bubbles: [{type, preset?, value?}], scene_type?,
 * aspect_ratio?, quality?, prompt?}`), read defensively: bubble type → values, and the output options.
 */
export function productDefaults(settings: Record<string, unknown> | null | undefined) {
  const bubbles: Record<string, string[]> = {};
  const raw = settings?.bubbles;
  if (Array.isArray(raw)) {
    for (const item of raw as unknown[]) {
      if (typeof item !== 'object' || item === null) continue;
      const { type, preset, value } = item as { type?: unknown; preset?: unknown; value?: unknown };
      const text = typeof value === 'string' && value.trim() ? value : typeof preset === 'string' ? preset : '';
      if (typeof type === 'string' && text.trim()) (bubbles[type] ??= []).push(text);
    }
  }
  const text = (key: string) => (typeof settings?.[key] === 'string' ? (settings[key]) : undefined);
  return { bubbles, sceneType: text('scene_type'), aspectRatio: text('aspect_ratio'), quality: text('quality') };
}

export function defaultChoices(
  options: GenerationOptionsOut,
  product: { scene_types: string[]; images: { id: string; is_primary: boolean }[]; generation_settings?: Record<string, unknown> },
): StudioChoices {
  const provider = options.providers.find((p) => p.name === options.default_provider) ?? options.providers[0];
  const sceneTypes = options.scene_types.map((s) => s.value);
  const own = productDefaults(product.generation_settings);
  const pick = (wanted: string | undefined, fallback: string, offered: string[]) =>
    wanted && offered.includes(wanted) ? wanted : offered.includes(fallback) ? fallback : (offered[0] ?? fallback);
  const scene = own.sceneType ?? product.scene_types.find((s) => sceneTypes.includes(s));
  return {
    baseImageId: (product.images.find((image) => image.is_primary) ?? product.images[0])?.id ?? null,
    sceneType: pick(scene, 'studio', sceneTypes),
    bubbles: {},
    referenceImageIds: [],
    aspectRatio: pick(own.aspectRatio, '1:1', provider?.aspect_ratios ?? options.aspect_ratios),
    quality: pick(own.quality, '1k', provider?.qualities ?? options.qualities),
    variants: 1,
    provider: provider?.name ?? options.default_provider,
    prompt: '',
  };
}

/** Select or unselect one value of a bubble: a single type keeps only the newest, an additive one collects. */
export function toggleBubbleValue(bubbles: BubbleValues, bubble: Pick<BubbleOptionOut, 'type' | 'additive'>, value: string): BubbleValues {
  const text = value.trim().replace(/\s+/g, ' ');
  if (!text) return bubbles;
  const current = bubbles[bubble.type] ?? [];
  const present = current.some((v) => v.toLowerCase() === text.toLowerCase());
  let next: string[];
  if (present) next = current.filter((v) => v.toLowerCase() !== text.toLowerCase());
  else next = bubble.additive ? [...current, text] : [text];
  return { ...bubbles, [bubble.type]: next };
}

export function clearBubble(bubbles: BubbleValues, type: string): BubbleValues {
  const next = { ...bubbles };
  delete next[type];
  return next;
}

/** The bubbles as the API takes them: a preset by name when it is one, the person's words otherwise. */
export function bubblesOf(bubbles: BubbleValues, options: BubbleOptionOut[]): BubbleIn[] {
  const result: BubbleIn[] = [];
  for (const option of options) {
    for (const value of bubbles[option.type] ?? []) {
      const type = option.type as BubbleType;
      result.push(option.presets.includes(value) ? { type, preset: value } : { type, value });
    }
  }
  return result;
}

export function requestBody(productId: string, choices: StudioChoices, options: GenerationOptionsOut): GenerateRequest {
  const prompt = choices.prompt.trim();
  return {
    product_ids: [productId],
    variants: choices.variants,
    provider: choices.provider,
    settings: {
      scene_type: choices.sceneType,
      aspect_ratio: choices.aspectRatio,
      quality: choices.quality as '1k' | '2k' | '4k',
      bubbles: bubblesOf(choices.bubbles, options.bubbles),
      prompt: prompt || null,
      base_image_id: choices.baseImageId,
      reference_image_ids: choices.referenceImageIds,
    },
  };
}

/** Credits one delivered image costs at this quality in the published cost table; null when it has no price. */
export function imageCredits(costs: CostTableOut | undefined, quality: string): number | null {
  const rates = costs?.rates.filter((rate) => rate.operation === 'image') ?? [];
  const rate = rates.find((r) => !r.parameter) ?? rates.find((r) => r.parameter === 'quality' && r.variant === quality);
  return rate ? rate.credits : null;
}

/** What the request will hold: per-image price × images (products × variants). */
export function quoteCredits(costs: CostTableOut | undefined, quality: string, images: number): number | null {
  const each = imageCredits(costs, quality);
  return each === null ? null : each * images;
}

/**
 * What the chosen provider cannot do with these choices, said before anything is sent (the API refuses the same
 * things; nothing is ever silently changed to something else).
 */
export function providerProblems(choices: StudioChoices, provider: ProviderOptionOut | undefined): Partial<Record<StudioField, string>> {
  const problems: Partial<Record<StudioField, string>> = {};
  if (!provider) {
    problems.provider = 'Choose a provider.';
    return problems;
  }
  if (!provider.aspect_ratios.includes(choices.aspectRatio))
    problems.aspect_ratio = `${providerLabel(provider.name)} can't make ${choices.aspectRatio} images. Choose another aspect ratio.`;
  if (!provider.qualities.includes(choices.quality))
    problems.quality = `${providerLabel(provider.name)} can't make ${choices.quality.toUpperCase()} images. Choose another quality.`;
  if (choices.referenceImageIds.length > provider.max_reference_images)
    problems.reference_images =
      provider.max_reference_images === 0
        ? `${providerLabel(provider.name)} doesn't use reference images. Remove them or choose another provider.`
        : `${providerLabel(provider.name)} takes at most ${provider.max_reference_images} reference ${provider.max_reference_images === 1 ? 'image' : 'images'}. Remove ${choices.referenceImageIds.length - provider.max_reference_images}.`;
  return problems;
}

const DIRECT_FIELDS: Record<string, StudioField> = {
  aspect_ratio: 'aspect_ratio',
  quality: 'quality',
  variants: 'variants',
  provider: 'provider',
  scene_type: 'scene_type',
  prompt: 'prompt',
  base_image_id: 'base_image',
  product_ids: 'base_image',
  product_images: 'base_image',
  reference_image_ids: 'reference_images',
  reference_images: 'reference_images',
};

/**
 * Which control an API field path belongs to: `settings.aspect_ratio` → aspect ratio, `settings.bubbles.style` or
 * `settings.bubbles.2.value` (the third bubble sent) → that bubble. Null when no control shows it.
 */
export function studioFieldOf(path: string, sentBubbles: BubbleIn[] = []): StudioField | null {
  const parts = path.replace(/^(body\.)?(settings\.)?/, '').split('.');
  const head = (parts[0] ?? '').replace(/\[\d+\]$/, '');
  if (head in DIRECT_FIELDS) return DIRECT_FIELDS[head] ?? null;
  if (head === 'bubbles' || head === 'scene') {
    const next = (parts[1] ?? '').replace(/\[\d+\]$/, '');
    if (/^\d+$/.test(next)) {
      const sent = sentBubbles[Number(next)];
      return sent ? `bubble:${sent.type}` : null;
    }
    return next ? `bubble:${next}` : null;
  }
  return null;
}

export interface StudioErrors {
  /** Messages to show next to the controls they are about. */
  fields: Partial<Record<StudioField, string>>;
  /** What no control explains, shown by the Generate button. */
  general: string | null;
  /** The balance is short (402): shown as the buy-credits prompt, never as a raw error. */
  payment: ParsedError | null;
}

/** Splits a failed Generate between the controls (422s), the credits prompt (402) and one general line. */
export function studioErrors(error: unknown, sentBubbles: BubbleIn[] = []): StudioErrors {
  if (error === null || error === undefined) return { fields: {}, general: null, payment: null };
  const parsed = parseError(error);
  if (parsed.status === 402) return { fields: {}, general: null, payment: parsed };
  const fields: Partial<Record<StudioField, string>> = {};
  const leftovers: string[] = [];
  for (const [path, message] of Object.entries(parsed.fieldErrors)) {
    const field = studioFieldOf(path, sentBubbles);
    if (field && !fields[field]) fields[field] = message;
    else if (!field) leftovers.push(message);
  }
  if (parsed.code === 'provider_not_available' && !fields.provider) fields.provider = parsed.message;
  let general: string | null = null;
  if (leftovers.length > 0) general = leftovers.join(' ');
  else if (Object.keys(fields).length === 0) general = parsed.message;
  return { fields, general, payment: null };
}
