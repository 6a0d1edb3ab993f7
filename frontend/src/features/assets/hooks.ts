import { type QueryClient, useInfiniteQuery, useQuery } from '@tanstack/react-query';

import { generationOptionsOptions, getAssetOptions, getProductOptions, listAssetsInfiniteOptions } from '@/client/@tanstack/react-query.gen';
import type { AssetOut, ListAssetsData } from '@/client/types.gen';

export type Asset = AssetOut;
export type AssetFilters = Pick<NonNullable<ListAssetsData['query']>, 'product_id' | 'job_id'>;

/** Previews per page: four rows of a wide grid. */
export const ASSETS_PAGE_SIZE = 24;

/** Keyset pages: the first page is `{}` (see features/members/hooks.ts), the next ones use `next_cursor`. */
const cursorPages = {
  initialPageParam: {},
  getNextPageParam: (page: { next_cursor?: string | null }) => page.next_cursor ?? undefined,
};

const ASSET_QUERIES = new Set(['listAssets', 'getAsset']);
const queryId = (query: { queryKey: readonly unknown[] }) => String((query.queryKey[0] as { _id?: unknown } | undefined)?._id);

/** Generated assets, newest first, optionally of one product. */
export function useAssets(filters: AssetFilters = {}, { limit = ASSETS_PAGE_SIZE }: { limit?: number } = {}) {
  const query = Object.fromEntries(Object.entries(filters).filter(([, value]) => Boolean(value)));
  return useInfiniteQuery({ ...listAssetsInfiniteOptions({ query: { limit, ...query } }), ...cursorPages });
}

export function useAsset(assetId: string | null) {
  return useQuery({ ...getAssetOptions({ path: { asset_id: assetId ?? '' } }), enabled: Boolean(assetId) });
}

/** The product an asset shows (for its name and the photo to compare with); nothing when it has none. */
export function useAssetProduct(productId: string | null | undefined) {
  return useQuery({ ...getProductOptions({ path: { product_id: productId ?? '' } }), enabled: Boolean(productId) });
}

/** Scene type and bubble labels (the same query the Studio reads). */
export function useGenerationLabels() {
  const options = useQuery({ ...generationOptionsOptions(), staleTime: 10 * 60_000 });
  const scenes = new Map(options.data?.scene_types.map((s) => [s.value, s.label]) ?? []);
  const bubbles = new Map(options.data?.bubbles.map((b) => [b.type, b.label]) ?? []);
  return {
    scene: (value: string) => scenes.get(value) ?? humanize(value),
    bubble: (type: string) => bubbles.get(type) ?? humanize(type),
    bubbleOrder: options.data?.bubbles.map((b) => b.type) ?? [],
  };
}

const PROVIDER_LABELS: Record<string, string> = { local: 'Epox Studio', gemini: 'Google Gemini', openai: 'OpenAI', fal: 'fal' };

/** A provider's name for people ("local" is the built-in Epox Studio renderer). */
export function providerLabel(name: string): string {
  return PROVIDER_LABELS[name] ?? humanize(name);
}

/** New images landed (a generation delivered some): every asset list is re-read. */
export function invalidateAssets(queryClient: QueryClient) {
  return queryClient.invalidateQueries({ predicate: (query) => ASSET_QUERIES.has(queryId(query)) });
}

/** One resolved value of a bubble and the cascade level it came from, as stored on every asset. */
export interface SourcedValue {
  value: string;
  source: string;
  label: string;
}

export interface ResolvedBubble {
  type: string;
  values: SourcedValue[];
}

/** Output options and the person's own words, stored next to the bubbles with their sources. */
export const OPTION_KEYS = ['scene_type', 'aspect_ratio', 'quality', 'prompt'] as const;
export type OptionKey = (typeof OPTION_KEYS)[number];

export interface ResolvedSettings {
  /** Bubbles in the order given (the options' order), then any the order does not know. */
  bubbles: ResolvedBubble[];
  options: Partial<Record<OptionKey, SourcedValue>>;
}

function isSourcedValue(value: unknown): value is SourcedValue {
  return typeof value === 'object' && value !== null && typeof (value as { value?: unknown }).value === 'string';
}

function sourced(raw: unknown): SourcedValue[] {
  const items = Array.isArray(raw) ? raw : [raw];
  return items.filter(isSourcedValue).map((item) => ({
    value: item.value,
    source: typeof item.source === 'string' ? item.source : '',
    label: typeof item.label === 'string' ? item.label : '',
  }));
}

/** The asset's `settings` document (`{bubble or option: [{value, source, label}]}`), read defensively. */
export function resolvedSettings(settings: Record<string, unknown>, order: readonly string[] = []): ResolvedSettings {
  const options: ResolvedSettings['options'] = {};
  const bubbles: ResolvedBubble[] = [];
  for (const [key, raw] of Object.entries(settings ?? {})) {
    const values = sourced(raw);
    if (values.length === 0) continue;
    if ((OPTION_KEYS as readonly string[]).includes(key)) options[key as OptionKey] = values[0];
    else bubbles.push({ type: key, values });
  }
  const rank = (type: string) => (order.includes(type) ? order.indexOf(type) : order.length);
  bubbles.sort((a, b) => rank(a.type) - rank(b.type));
  return { bubbles, options };
}

/** "from category Outdoor", "set in the Studio": where a resolved value came from, in words. */
export function sourceText({ source, label }: Pick<SourcedValue, 'source' | 'label'>): string {
  const named = (what: string) => (label ? `from ${what} ${label}` : `from the ${what}`);
  switch (source) {
    case 'organization':
      return 'from your workspace defaults';
    case 'primary_category':
    case 'category_scene_type':
      return named('category');
    case 'product':
      return label ? `from the product defaults of ${label}` : 'from the product defaults';
    case 'collection':
      return named('collection');
    case 'collection_section':
      return named('collection section');
    case 'flow':
      return 'set in the Studio';
    case 'style_preset':
      return label ? `filled in by the ${label}` : 'filled in by the style';
    default:
      return label ? `from ${label}` : '';
  }
}

/** "color_palette" → "Color palette", for bubble types the options do not name. */
export function humanize(value: string): string {
  const text = value.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
