/** Payloads of the asset endpoints for the SPA's unit tests, shaped like the API's schemas. */
import { assetFixture } from '@/test/studio';

/** An asset as GET /assets answers it (the Studio's fixture plus the review, trash and revision fields). */
export function libraryAsset(id: string, overrides: Record<string, unknown> = {}) {
  return {
    ...assetFixture(id),
    product_ids: ['prod-1'],
    parent_id: null,
    edit: null,
    approved_by_user_id: null,
    external_id: null,
    version: 1,
    deleted_at: null,
    purge_at: null,
    ...overrides,
  };
}

export const page = (items: unknown[], next_cursor: string | null = null) => ({ items, next_cursor });

/** `GET /assets/edit-options` `adjustments`, as api/assets/editor.py serves it. */
export const SERVED_ADJUSTMENTS = {
  version: 1,
  space: 'sRGB bytes scaled to 0..1 (v = byte / 255), per channel R, G, B; no linearisation; alpha unchanged',
  order: ['exposure', 'brightness', 'contrast', 'saturation', 'warmth', 'sharpness'],
  clamp: 'after every step, to 0..1',
  output: 'byte = floor(v * 255 + 0.5)',
  steps: {
    exposure: { range: [-3.0, 3.0], default: 0, unit: 'stops', formula: 'v = v * 2^e' },
    brightness: { range: [-1.0, 1.0], default: 0, formula: 'v = v + b' },
    contrast: { range: [-1.0, 1.0], default: 0, formula: 'v = (v - 0.5) * (1 + c) + 0.5' },
    saturation: { range: [-1.0, 1.0], default: 0, formula: 'L = 0.2126 R + 0.7152 G + 0.0722 B; v = L + (v - L) * (1 + s)', luma: [0.2126, 0.7152, 0.0722] },
    warmth: { range: [-1.0, 1.0], default: 0, formula: 'R = R * (1 + 0.2 w); B = B * (1 - 0.2 w); G unchanged', gain: 0.2 },
    sharpness: {
      range: [0.0, 2.0],
      default: 0,
      formula: 'v = v + k * (v - blur), blur = 3x3 kernel [[1,2,1],[2,4,2],[1,2,1]] / 16, edges repeated',
      kernel: [
        [1, 2, 1],
        [2, 4, 2],
        [1, 2, 1],
      ],
      kernel_divisor: 16,
    },
  },
};

const operation = (name: string, instant: boolean, cost_operation = name) => ({ name, instant, cost_operation, params_schema: {} });

export const editOptions = {
  operations: [
    operation('crop', true),
    operation('resize', true),
    operation('rotate', true),
    operation('flip', true, 'rotate'),
    operation('adjust', true),
    operation('ai_edit', false),
    operation('upscale', false),
    operation('remove_background', false, 'background_removal'),
  ],
  aspect_presets: ['1:1', '4:5', '3:4', '4:3', '2:3', '3:2', '9:16', '16:9', '21:9'],
  adjustments: SERVED_ADJUSTMENTS,
};

export function syncRecord(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    asset_id: 'a-1',
    store_connection_id: 'store-1',
    product_id: 'prod-1',
    job_id: 'job-sync-1',
    action: 'publish',
    status: 'succeeded',
    attempts: 1,
    external_product_id: 'gid://shopify/Product/8100000001',
    external_media_id: 'gid://shopify/MediaImage/1',
    error_code: null,
    error_message: null,
    retryable: false,
    created_at: '2026-11-27T10:00:00Z',
    started_at: '2026-11-27T10:00:01Z',
    finished_at: '2026-11-27T10:00:05Z',
    ...overrides,
  };
}

type Json = Record<string, unknown>;
type Handler = (request: Request) => Response | Promise<Response>;

const respond = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const refuse = (status: number, code: string, detail: string, extra: Json = {}) =>
  new Response(JSON.stringify({ type: `https://docs.epox.app/problems/${code}`, title: code, status, detail, code, ...extra }), {
    status,
    headers: { 'Content-Type': 'application/problem+json' },
  });

const FILTERS: [string, string][] = [
  ['approval', 'approval'],
  ['product_id', 'product_id'],
  ['sync_status', 'sync_state'],
  ['type', 'type'],
];

/**
 * The asset endpoints over an in-memory library, behaving as the API does (filters, keyset pages, versions and 412,
 * batch results per asset, trash). `refusals` makes the batch refuse those ids with that error.
 */
export function fakeLibrary(initial: Json[]) {
  const assets = new Map<string, Json>(initial.map((asset) => [String(asset.id), { ...asset }]));
  const refusals = new Map<string, { code: string; detail: string }>();
  const handlers: Record<string, Handler> = {};

  const list: Handler = (request) => {
    const query = new URL(request.url).searchParams;
    let rows = [...assets.values()].filter((asset) => (query.get('deleted') === 'true') === Boolean(asset.deleted_at));
    for (const [param, field] of FILTERS) {
      const value = query.get(param);
      if (value) rows = rows.filter((asset) => asset[field] === value);
    }
    for (const flag of ['pinned', 'favorite']) {
      const value = query.get(flag);
      if (value) rows = rows.filter((asset) => asset[flag] === (value === 'true'));
    }
    const start = Number(query.get('cursor') ?? 0);
    const limit = Number(query.get('limit') ?? 50);
    const next = start + limit < rows.length ? String(start + limit) : null;
    return respond(page(rows.slice(start, start + limit), next));
  };

  const touch = (asset: Json, changes: Json) => Object.assign(asset, changes, { version: Number(asset.version) + 1 });

  function route(id: string) {
    const base = `/api/v1/assets/${id}`;
    handlers[`GET ${base}`] = () => {
      const asset = assets.get(id);
      return asset ? respond(asset) : refuse(404, 'asset_not_found', 'Asset not found');
    };
    handlers[`PATCH ${base}`] = async (request) => {
      const asset = assets.get(id);
      if (!asset) return refuse(404, 'asset_not_found', 'Asset not found');
      const { version, ...changes } = (await request.json()) as Json;
      if (version !== asset.version)
        return refuse(412, 'version_conflict', `The asset is at version ${String(asset.version)}; reload it and apply your change again.`, { current_version: asset.version });
      return respond(touch(asset, changes));
    };
    handlers[`DELETE ${base}`] = () => {
      const asset = assets.get(id);
      if (asset) touch(asset, { deleted_at: '2026-11-27T10:00:00Z', purge_at: '2026-12-27T10:00:00Z' });
      return new Response(null, { status: 204 });
    };
    handlers[`POST ${base}/restore`] = () => {
      const asset = assets.get(id);
      return asset ? respond(touch(asset, { deleted_at: null, purge_at: null })) : refuse(404, 'asset_not_found', 'Asset not found');
    };
    handlers[`GET ${base}/revisions`] = () => {
      let root = assets.get(id);
      while (typeof root?.parent_id === 'string' && assets.has(root.parent_id)) root = assets.get(root.parent_id);
      const chain: Json[] = [];
      const walk = (asset: Json) => {
        chain.push(asset);
        for (const child of assets.values()) if (child.parent_id === asset.id) walk(child);
      };
      if (root) walk(root);
      return respond({ root_id: root?.id ?? id, items: chain });
    };
    handlers[`GET ${base}/sync-records`] = () => respond(page([]));
    handlers[`POST ${base}/publish`] = () => {
      const asset = assets.get(id);
      if (!asset) return refuse(404, 'asset_not_found', 'Asset not found');
      touch(asset, { sync_state: 'pending', sync_error: null });
      return respond(syncRecord(`sync-${id}`, { asset_id: id, status: 'pending', finished_at: null }), 202);
    };
  }

  const BATCH: Record<string, Json> = {
    approve: { approval: 'approved', approved_at: '2026-11-27T10:00:00Z' },
    reject: { approval: 'rejected', approved_at: '2026-11-27T10:00:00Z' },
    pin: { pinned: true },
    unpin: { pinned: false },
    favorite: { favorite: true },
    unfavorite: { favorite: false },
    delete: { deleted_at: '2026-11-27T10:00:00Z', purge_at: '2026-12-27T10:00:00Z' },
    restore: { deleted_at: null, purge_at: null },
    publish: { sync_state: 'pending' },
  };

  handlers['GET /api/v1/assets'] = list;
  handlers['POST /api/v1/assets/batch'] = async (request) => {
    const { action, asset_ids } = (await request.json()) as { action: string; asset_ids: string[] };
    const results = asset_ids.map((id) => {
      const asset = assets.get(id);
      const refused = refusals.get(id) ?? (asset ? undefined : { code: 'asset_not_found', detail: 'No such asset in this workspace.' });
      if (refused) return { asset_id: id, ok: false, error: refused, sync_record_id: null };
      touch(asset as Json, BATCH[action]);
      return { asset_id: id, ok: true, error: null, sync_record_id: action === 'publish' ? `sync-${id}` : null };
    });
    const succeeded = results.filter((result) => result.ok).length;
    return respond({ action, succeeded, failed: results.length - succeeded, results });
  };
  for (const id of assets.keys()) route(id);

  return {
    assets,
    refusals,
    handlers,
    /** A new asset (say, an edit the server made), reachable like the others. */
    add(asset: Json) {
      assets.set(String(asset.id), { ...asset });
      route(String(asset.id));
    },
  };
}
