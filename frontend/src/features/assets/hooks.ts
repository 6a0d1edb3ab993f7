import { type InfiniteData, type QueryClient, useInfiniteQuery, useQuery } from '@tanstack/react-query';

import {
  assetRevisionsOptions,
  editOptionsOptions,
  generationOptionsOptions,
  getAssetOptions,
  getProductOptions,
  listAssetSyncRecordsOptions,
  listCollectionsOptions,
  listAssetsInfiniteOptions,
} from '@/client/@tanstack/react-query.gen';
import { listAssets } from '@/client/sdk.gen';
import type { AssetOut, AssetPage, ListAssetsData, RevisionsOut } from '@/client/types.gen';

export type Asset = AssetOut;
export type AssetFilters = Omit<NonNullable<ListAssetsData['query']>, 'limit' | 'cursor'>;

/** Previews per page: four rows of a wide grid. */
export const ASSETS_PAGE_SIZE = 24;
/** How often assets that are being published are re-read, until the store answered. */
export const SYNC_POLL_MS = 2000;

/** Keyset pages: the first page is `{}` (see features/members/hooks.ts), the next ones use `next_cursor`. */
const cursorPages = {
  initialPageParam: {},
  getNextPageParam: (page: { next_cursor?: string | null }) => page.next_cursor ?? undefined,
};

const ASSET_QUERIES = new Set(['listAssets', 'getAsset', 'assetRevisions', 'listAssetSyncRecords']);
const queryId = (query: { queryKey: readonly unknown[] }) => String((query.queryKey[0] as { _id?: unknown } | undefined)?._id);

const publishing = (assets: readonly Asset[]) => assets.some((asset) => asset.sync_state === 'pending');

/** Only the filters that are set (false is a filter: "not pinned"). */
export function definedFilters(filters: AssetFilters): AssetFilters {
  const set: AssetFilters = Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined && value !== null && value !== ''));
  return set;
}

/**
 * Assets, newest first, a page at a time, narrowed by `filters`. While one of them is being published the pages are
 * re-read every few seconds, so sync badges turn Synced (or Failed) on their own.
 */
export function useAssets(filters: AssetFilters = {}, { limit = ASSETS_PAGE_SIZE }: { limit?: number } = {}) {
  return useInfiniteQuery({
    ...listAssetsInfiniteOptions({ query: { limit, ...definedFilters(filters) } }),
    ...cursorPages,
    refetchInterval: (query) => (publishing(query.state.data?.pages.flatMap((page) => page.items) ?? []) ? SYNC_POLL_MS : false),
  });
}

export function useAsset(assetId: string | null) {
  return useQuery({
    ...getAssetOptions({ path: { asset_id: assetId ?? '' } }),
    enabled: Boolean(assetId),
    refetchInterval: (query) => (query.state.data?.sync_state === 'pending' ? SYNC_POLL_MS : false),
  });
}

/** The revision chain an asset belongs to: the generated original and every edit made from it, oldest first. */
export function useRevisions(assetId: string | null) {
  return useQuery({ ...assetRevisionsOptions({ path: { asset_id: assetId ?? '' } }), enabled: Boolean(assetId) });
}

/** Every publish and removal of an asset, newest first (the last one says why a sync failed, and can be retried). */
export function useSyncRecords(assetId: string | null, { limit = 20, poll = false }: { limit?: number; poll?: boolean } = {}) {
  return useQuery({
    ...listAssetSyncRecordsOptions({ path: { asset_id: assetId ?? '' }, query: { limit } }),
    enabled: Boolean(assetId),
    refetchInterval: poll ? SYNC_POLL_MS : false,
  });
}

/** The edit operations, their costs, the crop presets and the adjustment formulas: they change only with a deploy. */
export function useEditOptions() {
  return useQuery({ ...editOptionsOptions(), staleTime: 10 * 60_000 });
}

/** The product an asset shows (for its name and the photo to compare with); nothing when it has none. */
export function useAssetProduct(productId: string | null | undefined) {
  return useQuery({ ...getProductOptions({ path: { product_id: productId ?? '' } }), enabled: Boolean(productId) });
}

/** Collections offered in the filter: the workspace's saved collections (a first page is plenty for a menu). */
export function useCollections() {
  return useQuery({ ...listCollectionsOptions({ query: { limit: 200 } }), staleTime: 60_000 });
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

/** Every asset held in the query cache: pages of lists, single assets, revision chains. */
function cachedAssets(queryClient: QueryClient): Asset[] {
  const found: Asset[] = [];
  for (const [key, data] of queryClient.getQueriesData<unknown>({ predicate: (query) => ASSET_QUERIES.has(queryId(query)) })) {
    const id = queryId({ queryKey: key });
    if (id === 'listAssets') found.push(...((data as InfiniteData<AssetPage> | undefined)?.pages.flatMap((page) => page.items) ?? []));
    else if (id === 'getAsset' && data) found.push(data as Asset);
    else if (id === 'assetRevisions') found.push(...((data as RevisionsOut | undefined)?.items ?? []));
  }
  return found;
}

/** The asset as the cache has it (the highest version seen), if it is there. */
export function cachedAsset(queryClient: QueryClient, assetId: string): Asset | undefined {
  let best: Asset | undefined;
  for (const asset of cachedAssets(queryClient)) if (asset.id === assetId && (!best || asset.version >= best.version)) best = asset;
  return best;
}

/** Rewrites every cached copy of the assets `change` is given (lists, the open asset, revision chains). */
export function updateCachedAssets(queryClient: QueryClient, change: (asset: Asset) => Asset) {
  const map = (items: Asset[]) => {
    let changed = false;
    const next = items.map((item) => {
      const updated = change(item);
      if (updated !== item) changed = true;
      return updated;
    });
    return changed ? next : items;
  };
  queryClient.setQueriesData<unknown>({ predicate: (query) => ASSET_QUERIES.has(queryId(query)) }, (data: unknown) => {
    if (!data || typeof data !== 'object') return data;
    if ('pages' in data) {
      const infinite = data as InfiniteData<AssetPage>;
      let changed = false;
      const pages = infinite.pages.map((page) => {
        const items = map(page.items);
        if (items !== page.items) changed = true;
        return items === page.items ? page : { ...page, items };
      });
      return changed ? { ...infinite, pages } : data;
    }
    if ('root_id' in data) {
      const chain = data as RevisionsOut;
      const items = map(chain.items);
      return items === chain.items ? data : { ...chain, items };
    }
    if ('id' in data && 'version' in data) return change(data as Asset);
    return data;
  });
}

/** The server's copy of an asset replaces the cached ones (never an older version over a newer one). */
export function storeAsset(queryClient: QueryClient, fresh: Asset) {
  updateCachedAssets(queryClient, (asset) => (asset.id === fresh.id && fresh.version >= asset.version ? fresh : asset));
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
// Output options, not scene bubbles: an image's shape and quality, a clip's resolution, length, frame rate and motion.
export const OPTION_KEYS = [
  'scene_type',
  'aspect_ratio',
  'quality',
  'prompt',
  'resolution',
  'duration_s',
  'fps',
  'camera_motion',
] as const;
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

/** Pages of ids are read this large when everything matching is selected (the API's largest page). */
const ID_PAGE_SIZE = 200;

/**
 * Every asset matching `filters`, read a page at a time (the API has no count): for "select all matching". Reports
 * how many it has so far; stops early when `signal` is aborted.
 */
export async function fetchMatchingIds(filters: AssetFilters, onProgress: (count: number) => void, signal?: AbortSignal): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const { data } = await listAssets({ query: { ...definedFilters(filters), limit: ID_PAGE_SIZE, ...(cursor ? { cursor } : {}) }, signal, throwOnError: true });
    ids.push(...data.items.map((asset) => asset.id));
    onProgress(ids.length);
    cursor = data.next_cursor ?? undefined;
  } while (cursor && !signal?.aborted);
  return ids;
}
