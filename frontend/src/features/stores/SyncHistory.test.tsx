import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { fakeLibrary, libraryAsset, page, syncRecord } from '@/features/assets/testing';
import { json, makeMe, mockApi } from '@/test/api';
import { balance, noNotifications } from '@/test/credits';
import { renderApp } from '@/test/render';
import { noJobs, remoteProduct, storeFixture } from '@/test/stores';
import { studioProduct } from '@/test/studio';

const T = { timeout: 5000 };

function api(assets: Record<string, unknown>[], records: Record<string, Record<string, unknown>>, role: 'owner' | 'viewer' = 'owner') {
  const library = fakeLibrary(assets);
  for (const [assetId, record] of Object.entries(records)) library.handlers[`GET /api/v1/assets/${assetId}/sync-records`] = () => json(page([record]));
  const handlers = Object.assign(library.handlers, {
    'GET /api/v1/me': () => json(makeMe({ role })),
    'GET /api/v1/credits/balance': () => json(balance()),
    'GET /api/v1/notifications': () => json(noNotifications),
    'GET /api/v1/jobs': () => json(noJobs),
    'GET /api/v1/products/slots': () => json({ limit: 25, used: 1, remaining: 24 }),
    'GET /api/v1/stores/sandbox': () => json({ shopify_shop: null, woocommerce_site_url: null }),
    'GET /api/v1/stores': () => json({ items: [storeFixture()] }),
    'GET /api/v1/stores/store-1/remote-products': () => json(page([remoteProduct(1)])),
    'GET /api/v1/products': () => json(page([studioProduct({ source: 'store', store_id: 'store-1' })])),
    'POST /api/v1/sync-records/rec-2/retry': () => {
      const asset = library.assets.get('a-2');
      if (asset) Object.assign(asset, { sync_state: 'pending', sync_error: null });
      return json(syncRecord('rec-2', { asset_id: 'a-2', status: 'pending' }), 202);
    },
  });
  return { ...mockApi(handlers), library };
}

const assets = () => [
  libraryAsset('a-1', { approval: 'approved', sync_state: 'synced' }),
  libraryAsset('a-2', { approval: 'approved', sync_state: 'failed', sync_error: 'The product was deleted in the store.' }),
  libraryAsset('a-3', { approval: 'approved', sync_state: 'pending' }),
];
const records = () => ({
  'a-1': syncRecord('rec-1', { asset_id: 'a-1', finished_at: '2026-11-27T10:00:05Z' }),
  'a-2': syncRecord('rec-2', {
    asset_id: 'a-2',
    status: 'failed',
    attempts: 3,
    error_code: 'remote_product_not_found',
    error_message: 'The product was deleted in the store.',
    retryable: true,
  }),
  'a-3': syncRecord('rec-3', { asset_id: 'a-3', status: 'running', finished_at: null }),
});

describe('Store page: sync history', () => {
  it('lists failed syncs first with their reason and Retry, then those in progress, then the published', async () => {
    const { calls } = api(assets(), records());
    const { user } = renderApp('/store');
    const history = await screen.findByRole('region', { name: 'Sync history' }, T);
    const sections = await within(history).findAllByRole('region', {}, T);
    expect(sections.map((section) => section.getAttribute('aria-label'))).toEqual(['Failed', 'In progress', 'Published']);
    expect(within(history).getByText('1 image could not be published: the reason is next to each.')).toBeInTheDocument();

    const failed = within(sections[0]).getByRole('listitem');
    expect(failed).toHaveTextContent('Oak armchair');
    expect(failed).toHaveTextContent('Sync failed');
    expect(failed).toHaveTextContent('The product was deleted in the store.');
    await waitFor(() => expect(failed).toHaveTextContent('3 attempts · remote product not found'), T);
    expect(within(sections[2]).getByRole('listitem')).toHaveTextContent('publish to sandbox-shop.myshopify.com');

    await user.click(within(failed).getByRole('button', { name: 'Retry Oak armchair' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && new URL(c.url).pathname === '/api/v1/sync-records/rec-2/retry')).toBe(true), T);
    // It leaves the failures for the ones in progress.
    await waitFor(() => expect(within(history).queryByRole('region', { name: 'Failed' })).not.toBeInTheDocument(), T);
    expect(within(within(history).getByRole('region', { name: 'In progress' })).getAllByRole('listitem')).toHaveLength(2);
  }, 30_000);

  it('lets viewers see failures without Retry', async () => {
    api(assets(), records(), 'viewer');
    renderApp('/store');
    const history = await screen.findByRole('region', { name: 'Sync history' }, T);
    const failed = await within(history).findByRole('region', { name: 'Failed' }, T);
    await within(failed).findByText(/3 attempts/, {}, T);
    expect(within(failed).queryByRole('button', { name: /Retry/ })).not.toBeInTheDocument();
  }, 30_000);

  it('says when nothing was published yet', async () => {
    api([libraryAsset('a-1')], {});
    renderApp('/store');
    const history = await screen.findByRole('region', { name: 'Sync history' }, T);
    expect(await within(history).findByText('Nothing published yet', {}, T)).toBeInTheDocument();
    expect(within(history).getByRole('link', { name: 'Approved images' })).toHaveAttribute('href', '/assets?approval=approved');
  }, 30_000);
});
