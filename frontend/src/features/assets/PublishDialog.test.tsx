import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { json, makeMe, mockApi, problem } from '@/test/api';
import { balance, noNotifications } from '@/test/credits';
import { productFixture } from '@/test/products';
import { renderApp } from '@/test/render';
import { storeFixture } from '@/test/stores';
import { generationOptions, studioProduct } from '@/test/studio';

import { fakeLibrary, libraryAsset, page } from './testing';

const T = { timeout: 5000 };
const linked = studioProduct({ source: 'store', store_id: 'store-1', external_id: 'gid://shopify/Product/8100000001' });
const sofa = productFixture({ id: 'prod-3', name: 'Linen sofa', source: 'store', store_id: 'store-1', external_id: 'gid://shopify/Product/8100000003' });

function api(asset: Record<string, unknown>, extra: Parameters<typeof mockApi>[0] = {}, store = storeFixture()) {
  const library = fakeLibrary([asset]);
  const handlers = Object.assign(library.handlers, {
    'GET /api/v1/me': () => json(makeMe()),
    'GET /api/v1/credits/balance': () => json(balance()),
    'GET /api/v1/notifications': () => json(noNotifications),
    'GET /api/v1/generation/options': () => json(generationOptions()),
    'GET /api/v1/products': () => json(page([linked, sofa])),
    'GET /api/v1/products/prod-1': () => json(linked),
    'GET /api/v1/collections': () => json(page([])),
    'GET /api/v1/stores': () => json({ items: [store] }),
    ...extra,
  });
  return { ...mockApi(handlers), library };
}

async function openPublish() {
  const rendered = renderApp('/assets');
  const grid = await screen.findByRole('list', { name: 'Assets' }, T);
  await rendered.user.click((await within(grid).findAllByRole('button', { name: /^Open / }, T))[0]);
  const preview = await screen.findByRole('dialog', { name: 'Oak armchair' }, T);
  await rendered.user.click(await within(preview).findByRole('button', { name: 'Publish' }, T));
  return { ...rendered, dialog: within(await screen.findByRole('dialog', { name: 'Publish to the store' }, T)) };
}

describe('Publish dialog', () => {
  it('publishes to the asset’s product by default, at a position with alt text, and shows the connection', async () => {
    const { calls } = api(libraryAsset('a-1', { approval: 'approved' }));
    const { user, dialog } = await openPublish();
    const product = await dialog.findByRole('combobox', { name: 'Product' }, T);
    await waitFor(() => expect(product).toHaveValue('prod-1'), T);
    expect(within(product).getAllByRole('option').map((o) => o.textContent)).toEqual(['Oak armchair (this image’s product)', 'Linen sofa']);
    expect(await dialog.findByText(/sandbox-shop.myshopify.com · Shopify ·/, {}, T)).toHaveTextContent('Connected');

    await user.type(dialog.getByLabelText('Position (optional)'), '0');
    await user.click(dialog.getByRole('button', { name: 'Publish' }));
    expect(dialog.getByText('A whole number from 1 to 250, or empty for last.')).toBeInTheDocument();
    await user.clear(dialog.getByLabelText('Position (optional)'));
    await user.type(dialog.getByLabelText('Position (optional)'), '2');
    await user.type(dialog.getByLabelText('Alt text (optional)'), 'Oak armchair in a sunny reading corner');
    await user.click(dialog.getByRole('button', { name: 'Publish' }));

    expect(await screen.findByText(/is on its way to Oak armchair/, {}, T)).toBeInTheDocument();
    const sent = calls.find((c) => c.method === 'POST' && new URL(c.url).pathname === '/api/v1/assets/a-1/publish') as Request;
    expect(await sent.json()).toEqual({ position: 2, alt: 'Oak armchair in a sunny reading corner' });
    expect(await within(screen.getByRole('list', { name: 'Assets' })).findByText('Publishing…', {}, T)).toBeInTheDocument();
  }, 30_000);

  it('asks to approve first, and says in words why the store refused', async () => {
    const { calls, library } = api(libraryAsset('a-1'), {
      'POST /api/v1/assets/a-1/publish': () => problem(409, { code: 'store_not_active', detail: "The product's store is not connected; reconnect it to publish." }),
    });
    const { user, dialog } = await openPublish();
    expect(await dialog.findByText('Approve it first', {}, T)).toBeInTheDocument();
    expect(dialog.getByRole('button', { name: 'Publish' })).toBeDisabled();
    await user.click(dialog.getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(library.assets.get('a-1')?.approval).toBe('approved'), T);
    await waitFor(() => expect(dialog.queryByText('Approve it first')).not.toBeInTheDocument(), T);

    // Another product of the same store is offered too.
    await user.selectOptions(dialog.getByRole('combobox', { name: 'Product' }), 'Linen sofa');
    await user.click(dialog.getByRole('button', { name: 'Publish' }));
    expect(await dialog.findByText("The product's store is not connected. Reconnect it on the Store page, then publish again.", {}, T)).toBeInTheDocument();
    const sent = calls.find((c) => c.method === 'POST' && new URL(c.url).pathname === '/api/v1/assets/a-1/publish') as Request;
    expect(await sent.json()).toEqual({ product_id: 'prod-3' });
  }, 30_000);

  it('holds Publish back while the store is disconnected, and links to the Store page', async () => {
    api(libraryAsset('a-1', { approval: 'approved' }), {}, storeFixture({ status: 'disconnected' }));
    const { dialog } = await openPublish();
    expect(await dialog.findByText(/is not connected\./, {}, T)).toBeInTheDocument();
    expect(dialog.getByRole('link', { name: 'Reconnect it on the Store page' })).toHaveAttribute('href', '/store');
    expect(dialog.getByRole('button', { name: 'Publish' })).toBeDisabled();
  }, 30_000);
});
