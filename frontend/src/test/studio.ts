/** Payloads of the generation, cost and asset endpoints, shaped like the API's schemas; override what a test is about. */
import { productFixture } from './products';
import { videoOptions } from './video';

const PRESETS: Record<string, string[]> = {
  style: ['Modern', 'Minimalist', 'Scandinavian', 'Rustic'],
  lighting: ['Golden hour', 'Bright daylight', 'Studio softbox'],
  camera_angle: ['Eye level', 'Top-down'],
  mood: ['Calm', 'Cozy'],
  props: ['Potted plant', 'None'],
  background: ['Plain wall', 'Brick wall'],
  human_interaction: ['None', 'Hand holding the product'],
  color_palette: ['Warm neutrals', 'Sage green', 'Terracotta'],
  reference: [],
  custom: [],
};
const ADDITIVE = new Set(['color_palette', 'reference', 'custom']);

export const ASPECT_RATIOS = ['1:1', '4:5', '3:4', '4:3', '2:3', '3:2', '9:16', '16:9', '21:9'];

export function providerFixture(overrides: Record<string, unknown> = {}) {
  return {
    name: 'local',
    aspect_ratios: ASPECT_RATIOS,
    qualities: ['1k', '2k', '4k'],
    max_reference_images: 4,
    supports_video: false,
    deterministic: true,
    ...overrides,
  };
}

export function generationOptions(overrides: Record<string, unknown> = {}) {
  return {
    scene_types: [
      { value: 'studio', label: 'Studio' },
      { value: 'living_room', label: 'Living room' },
      { value: 'outdoor', label: 'Outdoor' },
    ],
    bubbles: Object.entries(PRESETS).map(([type, presets]) => ({
      type,
      label: (type.charAt(0).toUpperCase() + type.slice(1)).replace(/_/g, ' '),
      additive: ADDITIVE.has(type),
      presets,
    })),
    aspect_ratios: ASPECT_RATIOS,
    qualities: ['1k', '2k', '4k'],
    providers: [providerFixture()],
    default_provider: 'local',
    max_variants: 4,
    video: videoOptions(),
    ...overrides,
  };
}

/** The launch cost table: 1 credit per image at 1k/2k, 2 at 4k; 5 per clip at 720p, 8 at 1080p. */
export function costTable() {
  return {
    version: 1,
    published_at: '2026-11-01T00:00:00Z',
    rates: [
      { operation: 'image', parameter: 'quality', variant: '1k', credits: 1, unit: 'delivered image' },
      { operation: 'image', parameter: 'quality', variant: '2k', credits: 1, unit: 'delivered image' },
      { operation: 'image', parameter: 'quality', variant: '4k', credits: 2, unit: 'delivered image' },
      { operation: 'ai_edit', parameter: null, variant: null, credits: 1, unit: 'edit' },
      { operation: 'video', parameter: 'resolution', variant: '720p', credits: 5, unit: 'clip' },
      { operation: 'video', parameter: 'resolution', variant: '1080p', credits: 8, unit: 'clip' },
    ],
  };
}

export function productImage(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    position: 0,
    is_primary: false,
    width: 800,
    height: 800,
    content_type: 'image/png',
    size_bytes: 1000,
    sync_state: 'local',
    external_id: null,
    source_url: null,
    preview_url: `http://localhost/files/${id}/preview.webp`,
    original_url: `http://localhost/files/${id}/original.png`,
    created_at: '2026-11-20T09:00:00Z',
    ...overrides,
  };
}

/** A product with two photos (the first primary), ready for the Studio. */
export function studioProduct(overrides: Record<string, unknown> = {}) {
  return productFixture({
    id: 'prod-1',
    name: 'Oak armchair',
    images: [productImage('img-1', { is_primary: true }), productImage('img-2', { position: 1 })],
    ...overrides,
  });
}

export function itemFixture(position: number, overrides: Record<string, unknown> = {}) {
  return {
    id: `item-${position + 1}`,
    position,
    product_id: 'prod-1',
    variant: position,
    status: 'pending',
    credits: 1,
    asset_id: null,
    error_code: null,
    error_message: null,
    ...overrides,
  };
}

export function generationFixture(items: Record<string, unknown>[], job: Record<string, unknown> = {}) {
  return {
    job: {
      id: 'job-1',
      kind: 'image',
      status: 'queued',
      progress: { done: 0, failed: 0, total: items.length, percent: 0 },
      params: { product_ids: ['prod-1'], variants: items.length, scene_type: 'studio', aspect_ratio: '1:1', quality: '1k', provider: 'local' },
      result: null,
      error: null,
      attempts: 0,
      max_attempts: 3,
      created_by_user_id: 'user-1',
      created_by_api_key_id: null,
      created_at: '2026-11-27T09:00:00Z',
      started_at: null,
      finished_at: null,
      ...job,
    },
    credits_held: items.reduce((sum, item) => sum + Number(item.credits ?? 1), 0),
    items,
  };
}

export function assetFixture(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    type: 'image',
    product_id: 'prod-1',
    job_id: 'job-1',
    parent_asset_id: null,
    width: 1024,
    height: 1024,
    duration_ms: null,
    content_type: 'image/png',
    size_bytes: 200_000,
    prompt: 'Keep the product exactly as in the photo. A calm living room, golden hour light.',
    settings: {
      style: [{ value: 'Scandinavian', source: 'flow', label: 'This session' }],
      lighting: [{ value: 'Golden hour', source: 'primary_category', label: 'Outdoor' }],
      color_palette: [
        { value: 'Warm neutrals', source: 'style_preset', label: 'Scandinavian style' },
        { value: 'Sage green', source: 'product', label: 'Oak armchair' },
      ],
      scene_type: [{ value: 'living_room', source: 'flow', label: 'This session' }],
      prompt: [{ value: 'a reading corner', source: 'flow', label: 'This session' }],
    },
    scene_type: 'living_room',
    aspect_ratio: '1:1',
    quality: '1k',
    provider: 'local',
    model: 'epox-compositor-1',
    seed: 424242,
    credits_charged: 1,
    pinned: false,
    favorite: false,
    approval: 'pending',
    approved_at: null,
    sync_state: 'not_synced',
    sync_error: null,
    preview_url: `http://localhost/files/${id}/preview.webp`,
    original_url: `http://localhost/files/${id}/original.png`,
    created_at: '2026-11-27T09:01:00Z',
    ...overrides,
  };
}

export const noAssets = { items: [], next_cursor: null };
