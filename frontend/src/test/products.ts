/** A product as the API returns it, for tests; override what the test is about. */
export function productFixture(overrides: Record<string, unknown> = {}) {
  return {
    id: 'prod-1',
    name: 'Velvet sofa',
    description: '',
    sku: null,
    price_minor: null,
    currency: null,
    source: 'uploaded',
    store_id: null,
    external_id: null,
    external_url: null,
    scene_types: [],
    generation_settings: {},
    archived: false,
    archived_at: null,
    categories: [],
    primary_category_id: null,
    images: [],
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
    ...overrides,
  };
}
