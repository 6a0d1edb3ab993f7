/** Payloads of the store and job endpoints, shaped like the API's schemas; override what the test is about. */

export function storeFixture(overrides: Record<string, unknown> = {}) {
  return {
    id: 'store-1',
    kind: 'shopify',
    shop_domain: 'sandbox-shop.myshopify.com',
    status: 'active',
    auto_sync: false,
    last_synced_at: null,
    last_error: null,
    webhook_topics: ['APP_UNINSTALLED', 'PRODUCTS_DELETE', 'PRODUCTS_UPDATE'],
    last_webhook_at: null,
    created_at: '2026-11-20T09:00:00Z',
    ...overrides,
  };
}

export function remoteProduct(number: number, overrides: Record<string, unknown> = {}) {
  return {
    external_id: `gid://shopify/Product/${8100000000 + number}`,
    title: `Oak Sofa ${number}`,
    sku: `EPX-${number}`,
    price: '129.00',
    image_url: `http://localhost/cdn/products/${number}/0.png`,
    image_count: 3,
    collections: ['Living room'],
    imported_product_id: null,
    ...overrides,
  };
}

export function jobFixture(overrides: Record<string, unknown> = {}) {
  return {
    id: 'job-1',
    kind: 'import',
    status: 'queued',
    progress: { done: 0, failed: 0, total: 0, percent: 0 },
    params: { store_id: 'store-1', all: false },
    result: null,
    error: null,
    attempts: 0,
    max_attempts: 5,
    created_by_user_id: 'user-1',
    created_by_api_key_id: null,
    created_at: '2026-11-20T09:00:00Z',
    started_at: null,
    finished_at: null,
    ...overrides,
  };
}

export const noJobs = { items: [], next_cursor: null };
