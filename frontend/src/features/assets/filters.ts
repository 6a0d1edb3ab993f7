/**
 * The Assets page's filters and view, kept in the address bar so a filtered view can be reloaded, shared and
 * navigated back to. `filtersFromParams` reads them (ignoring values the API would refuse); `withFilters` writes
 * changes, dropping empty ones.
 */
import type { Approval, AssetSyncState, AssetType, ListAssetsData } from '@/client/types.gen';

export type LibraryQuery = Omit<NonNullable<ListAssetsData['query']>, 'limit' | 'cursor'>;
export type View = 'grid' | 'list';

/** The parameter names in the address bar (short, readable). */
export const PARAM = {
  q: 'q',
  type: 'type',
  approval: 'approval',
  pinned: 'pinned',
  favorite: 'favorite',
  product: 'product',
  collection: 'collection',
  sync: 'sync',
  trash: 'trash',
  view: 'view',
} as const;

export const TYPES: readonly AssetType[] = ['image', 'video'];
export const APPROVALS: readonly Approval[] = ['pending', 'approved', 'rejected'];
export const SYNC_STATES: readonly AssetSyncState[] = ['not_synced', 'pending', 'synced', 'failed'];

export const TYPE_LABELS: Record<AssetType, string> = { image: 'Images', video: 'Videos' };
export const APPROVAL_LABELS: Record<Approval, string> = { pending: 'To review', approved: 'Approved', rejected: 'Rejected' };
export const SYNC_FILTER_LABELS: Record<AssetSyncState, string> = {
  not_synced: 'Not published',
  pending: 'Publishing',
  synced: 'Synced',
  failed: 'Sync failed',
};

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | undefined {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

function flag(value: string | null): boolean | undefined {
  if (value === '1') return true;
  if (value === '0') return false;
  return undefined;
}

/** The list query the address bar asks for (only what is set). */
export function filtersFromParams(params: URLSearchParams): LibraryQuery {
  const query: LibraryQuery = {};
  const q = params.get(PARAM.q)?.trim();
  if (q) query.q = q.slice(0, 200);
  const type = oneOf(params.get(PARAM.type), TYPES);
  if (type) query.type = type;
  const approval = oneOf(params.get(PARAM.approval), APPROVALS);
  if (approval) query.approval = approval;
  const pinned = flag(params.get(PARAM.pinned));
  if (pinned !== undefined) query.pinned = pinned;
  const favorite = flag(params.get(PARAM.favorite));
  if (favorite !== undefined) query.favorite = favorite;
  const product = params.get(PARAM.product);
  if (product) query.product_id = product;
  const collection = params.get(PARAM.collection);
  if (collection) query.collection_id = collection;
  const sync = oneOf(params.get(PARAM.sync), SYNC_STATES);
  if (sync) query.sync_status = sync;
  if (params.get(PARAM.trash) === '1') query.deleted = true;
  return query;
}

export function viewFromParams(params: URLSearchParams): View {
  return params.get(PARAM.view) === 'list' ? 'list' : 'grid';
}

/** How many filters narrow the list (the trash is a place, not a filter). */
export function activeFilterCount(query: LibraryQuery): number {
  return Object.entries(query).filter(([key, value]) => key !== 'deleted' && value !== undefined && value !== null && value !== '').length;
}

/** `params` with `changes` applied: a null or empty value removes the parameter. */
export function withFilters(params: URLSearchParams, changes: Partial<Record<keyof typeof PARAM, string | null>>): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const [key, value] of Object.entries(changes)) {
    const name = PARAM[key as keyof typeof PARAM];
    if (value) next.set(name, value);
    else next.delete(name);
  }
  return next;
}

/** Every filter removed; the view and the trash stay. */
export function withoutFilters(params: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams();
  for (const key of [PARAM.view, PARAM.trash]) {
    const value = params.get(key);
    if (value) next.set(key, value);
  }
  return next;
}
