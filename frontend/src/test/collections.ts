/** Payloads of the collection endpoints, shaped like the API's schemas; override what a test is about. */
import { type Handler, json } from './api';

/** GET /products as the API answers it: `?id=` looks products up (unknown ones left out), otherwise the list. */
export function productsHandler(products: readonly { id: string }[]): Handler {
  return (request) => {
    const ids = new URL(request.url).searchParams.getAll('id');
    return json({ items: ids.length > 0 ? products.filter((p) => ids.includes(p.id)) : products, next_cursor: null });
  };
}

export function flowFixture(productId: string, overrides: Record<string, unknown> = {}) {
  return {
    id: `flow-${productId}`,
    product_id: productId,
    collection_id: 'col-1',
    name: 'Oak armchair',
    base_image_id: null,
    settings: {},
    last_job_id: null,
    created_at: '2026-11-20T09:00:00Z',
    updated_at: '2026-11-20T09:00:00Z',
    ...overrides,
  };
}

/** "Autumn living room": two products, a shared look and one section for the Outdoor category. */
export function collectionFixture(overrides: Record<string, unknown> = {}) {
  return {
    id: 'col-1',
    name: 'Autumn living room',
    description: 'For the autumn catalog.',
    settings: {
      scene_type: 'living_room',
      aspect_ratio: '4:5',
      bubbles: [
        { type: 'style', preset: 'Scandinavian' },
        { type: 'color_palette', preset: 'Terracotta' },
      ],
    },
    sections: [{ name: 'Garden pieces', category_ids: ['cat-outdoor'], scene_types: [], settings: { bubbles: [{ type: 'lighting', preset: 'Golden hour' }] } }],
    flows: [flowFixture('prod-1', { name: 'Oak armchair' }), flowFixture('prod-2', { name: 'Linen sofa' })],
    last_job_id: null,
    created_at: '2026-11-20T09:00:00Z',
    updated_at: '2026-11-20T09:00:00Z',
    ...overrides,
  };
}

export function collectionSummary(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    name: `Collection ${id}`,
    description: '',
    last_job_id: null,
    created_at: '2026-11-20T09:00:00Z',
    updated_at: '2026-11-20T09:00:00Z',
    ...overrides,
  };
}

export function categoryFixture(id: string, name: string) {
  return {
    id,
    name,
    slug: name.toLowerCase().replace(/\s+/g, '-'),
    description: '',
    parent_id: null,
    generation_settings: {},
    product_count: 1,
    created_at: '2026-11-01T09:00:00Z',
    updated_at: '2026-11-01T09:00:00Z',
  };
}

/** What POST /generations/quote answers: one line per product (in the collection's order). */
export function quoteFixture(perProduct: number[], available = 42, quality = '1k') {
  return {
    credits: perProduct.reduce((sum, credits) => sum + credits, 0),
    breakdown: perProduct.map((credits) => ({
      operation: 'image',
      parameter: 'quality',
      variant: quality,
      unit: 'delivered image',
      unit_credits: 1,
      quantity: credits,
      credits,
    })),
    available,
    cost_table_version: 1,
  };
}
