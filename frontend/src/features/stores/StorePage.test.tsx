import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { type Handler, json, makeMe, mockApi, noContent, problem } from '@/test/api';
import { balance, noNotifications } from '@/test/credits';
import { renderApp } from '@/test/render';
import { jobFixture, noJobs, remoteProduct, storeFixture } from '@/test/stores';

import { storeRedirect } from './connect';

/** What every signed-in page asks for, plus the store page's own lists. */
function api(handlers: Record<string, Handler>, role: 'owner' | 'admin' | 'member' | 'viewer' = 'owner') {
  return mockApi({
    'GET /api/v1/me': () => json(makeMe({ role })),
    'GET /api/v1/credits/balance': () => json(balance()),
    'GET /api/v1/notifications': () => json(noNotifications),
    'GET /api/v1/jobs': () => json(noJobs),
    'GET /api/v1/products/slots': () => json({ limit: 25, used: 0, remaining: 25 }),
    'GET /api/v1/stores/sandbox': () => json({ shopify_shop: null, woocommerce_site_url: null }),
    ...handlers,
  });
}

const path = (request: Request) => new URL(request.url).pathname;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Store page: connecting', () => {
  it('completes a bare shop name and sends the browser to Shopify', async () => {
    const go = vi.spyOn(storeRedirect, 'go').mockImplementation(() => {});
    const { calls } = api({
      'GET /api/v1/stores': () => json({ items: [] }),
      'POST /api/v1/stores/shopify/install': () => json({ authorize_url: 'https://my-store.myshopify.com/admin/oauth/authorize?x=1' }),
    });
    const { user } = renderApp('/store');
    const form = await screen.findByRole('form', { name: 'Connect Shopify' });
    expect(screen.getByRole('radio', { name: /Shopify/ })).toBeChecked();
    expect(within(form).queryByRole('button', { name: 'Use the sandbox shop' })).not.toBeInTheDocument();

    const field = within(form).getByLabelText('Shop address');
    await user.type(field, 'not a shop!');
    await user.click(within(form).getByRole('button', { name: 'Continue to Shopify' }));
    expect(await within(form).findByText(/Use your shop's myshopify.com address/)).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    await user.clear(field);
    await user.type(field, 'My-Store');
    expect(within(form).getByText('my-store.myshopify.com')).toBeInTheDocument();
    await user.click(within(form).getByRole('button', { name: 'Continue to Shopify' }));
    await waitFor(() => expect(go).toHaveBeenCalledWith('https://my-store.myshopify.com/admin/oauth/authorize?x=1'));
    const install = calls.find((c) => c.method === 'POST' && path(c) === '/api/v1/stores/shopify/install');
    expect(await install?.json()).toEqual({ shop: 'my-store.myshopify.com' });
  });

  it('offers the sandbox stores of a local run and explains refusals from the API', async () => {
    api({
      'GET /api/v1/stores': () => json({ items: [] }),
      'GET /api/v1/stores/sandbox': () =>
        json({ shopify_shop: 'sandbox-shop.myshopify.com', woocommerce_site_url: 'http://127.0.0.1:9999/demo-store' }),
      'POST /api/v1/stores/shopify/install': () => problem(409, { code: 'store_already_connected', detail: 'This store is already connected' }),
    });
    const { user } = renderApp('/store');
    const form = await screen.findByRole('form', { name: 'Connect Shopify' });
    await user.click(await within(form).findByRole('button', { name: 'Use the sandbox shop' }));
    expect(within(form).getByLabelText('Shop address')).toHaveValue('sandbox-shop.myshopify.com');
    await user.click(within(form).getByRole('button', { name: 'Continue to Shopify' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent('This store is already connected to this workspace.');

    await user.click(screen.getByRole('radio', { name: /WooCommerce/ }));
    const woo = screen.getByRole('form', { name: 'Connect WooCommerce' });
    await user.click(within(woo).getByRole('button', { name: 'Use the sandbox site' }));
    expect(within(woo).getByLabelText('Store address')).toHaveValue('http://127.0.0.1:9999/demo-store');
  });

  it("connects WooCommerce by the site address, with the API's field errors next to the field", async () => {
    const go = vi.spyOn(storeRedirect, 'go').mockImplementation(() => {});
    let refuse = true;
    const { calls } = api({
      'GET /api/v1/stores': () => json({ items: [] }),
      'POST /api/v1/stores/woocommerce/authorize': () =>
        refuse
          ? problem(422, {
              code: 'invalid_site_url',
              errors: [{ field: 'site_url', message: 'The store must be served over HTTPS: its API keys travel with every request.' }],
            })
          : json({ authorize_url: 'https://shop.example.com/wc-auth/v1/authorize?app_name=Epox' }),
    });
    const { user } = renderApp('/store');
    await user.click(await screen.findByRole('radio', { name: /WooCommerce/ }));
    const form = screen.getByRole('form', { name: 'Connect WooCommerce' });
    const field = within(form).getByLabelText('Store address');
    await user.type(field, 'http://shop.example.com');
    await user.click(within(form).getByRole('button', { name: 'Continue to WooCommerce' }));
    expect(await within(form).findByText(/must be served over HTTPS/)).toBeInTheDocument();
    expect(field).toHaveAttribute('aria-invalid', 'true');

    refuse = false;
    await user.clear(field);
    await user.type(field, 'shop.example.com/');
    await user.click(within(form).getByRole('button', { name: 'Continue to WooCommerce' }));
    await waitFor(() => expect(go).toHaveBeenCalledWith('https://shop.example.com/wc-auth/v1/authorize?app_name=Epox'));
    const last = calls.filter((c) => path(c) === '/api/v1/stores/woocommerce/authorize').at(-1);
    expect(await last?.json()).toEqual({ site_url: 'https://shop.example.com' });
  });

  it('announces the callback result in words and clears the address bar', async () => {
    api({ 'GET /api/v1/stores': () => json({ items: [storeFixture()] }), 'GET /api/v1/stores/store-1/remote-products': () => json({ items: [], next_cursor: null }) });
    const { router } = renderApp('/store?connected=sandbox-shop.myshopify.com');
    const notice = await screen.findByText('Store connected');
    expect(notice.closest('.alert')).toHaveTextContent('sandbox-shop.myshopify.com is connected.');
    await waitFor(() => expect(router.state.location.search).toBe(''));
  });

  it.each([
    ['?error=invalid_state', 'already used or was started in another browser'],
    ['?error=exchange_failed', "didn't grant access"],
    ['?woocommerce=denied&success=0', 'WooCommerce access was declined'],
    ['?woocommerce=connected', 'Your WooCommerce store is connected.'],
  ])('explains %s', async (query, words) => {
    api({ 'GET /api/v1/stores': () => json({ items: [] }) });
    const { router } = renderApp(`/store${query}`);
    expect(await screen.findByText(new RegExp(words))).toBeInTheDocument();
    await waitFor(() => expect(router.state.location.search).toBe(''));
  });
});

describe('Store page: connections', () => {
  it('shows each connection with its status, and changes auto-sync', async () => {
    const { calls } = api({
      'GET /api/v1/stores': () =>
        json({
          items: [
            storeFixture({ last_synced_at: '2026-11-21T10:00:00Z' }),
            storeFixture({ id: 'store-2', shop_domain: 'old-shop.myshopify.com', status: 'disconnected', last_error: 'The app was uninstalled.' }),
          ],
        }),
      'GET /api/v1/stores/store-1/remote-products': () => json({ items: [], next_cursor: null }),
      'PATCH /api/v1/stores/store-1': () => json(storeFixture({ auto_sync: true })),
      'POST /api/v1/stores/shopify/install': () => json({ authorize_url: 'https://old-shop.myshopify.com/admin/oauth/authorize' }),
    });
    const { user } = renderApp('/store');
    const list = await screen.findByRole('list', { name: 'Connected stores' });
    const [first, second] = within(list).getAllByRole('listitem') as [HTMLElement, HTMLElement];
    expect(within(first).getByText('Connected')).toBeInTheDocument();
    expect(within(second).getByText('Disconnected')).toBeInTheDocument();
    expect(within(second).getByText(/The app was uninstalled./)).toBeInTheDocument();
    const go = vi.spyOn(storeRedirect, 'go').mockImplementation(() => {});
    await user.click(within(second).getByRole('button', { name: /Reconnect/ }));
    await waitFor(() => expect(go).toHaveBeenCalledWith('https://old-shop.myshopify.com/admin/oauth/authorize'));

    await user.click(within(first).getByRole('switch', { name: /Publish approved images/ }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH')).toBe(true));
    const patch = calls.find((c) => c.method === 'PATCH');
    expect(await patch?.json()).toEqual({ auto_sync: true });
  });

  it('asks before disconnecting and says imported products stay', async () => {
    let stores = [storeFixture()];
    const { calls } = api({
      'GET /api/v1/stores': () => json({ items: stores }),
      'GET /api/v1/stores/store-1/remote-products': () => json({ items: [], next_cursor: null }),
      'DELETE /api/v1/stores/store-1': () => {
        stores = [];
        return noContent();
      },
    });
    const { user } = renderApp('/store');
    await user.click(await screen.findByRole('button', { name: 'Disconnect sandbox-shop.myshopify.com' }));
    const dialog = screen.getByRole('dialog', { name: 'Disconnect sandbox-shop.myshopify.com?' });
    expect(dialog).toHaveTextContent('Products you already imported stay in your catalog');
    await user.click(within(dialog).getByRole('button', { name: 'Disconnect' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(calls.some((c) => c.method === 'DELETE')).toBe(true);
    expect(await screen.findByRole('form', { name: 'Connect Shopify' })).toBeInTheDocument();
  });

  it('lets viewers look but not change anything', async () => {
    const { calls } = api({ 'GET /api/v1/stores': () => json({ items: [storeFixture({ auto_sync: true })] }) }, 'viewer');
    renderApp('/store');
    const list = await screen.findByRole('list', { name: 'Connected stores' });
    expect(within(list).getByText('Approved images are published automatically')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Disconnect/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Connect a store' })).not.toBeInTheDocument();
    expect(screen.queryByRole('switch')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Import/ })).not.toBeInTheDocument();
    expect(calls.some((c) => path(c).endsWith('/remote-products'))).toBe(false);
  });

  it('shows members the catalog but not the connection controls', async () => {
    api(
      {
        'GET /api/v1/stores': () => json({ items: [storeFixture()] }),
        'GET /api/v1/stores/store-1/remote-products': () => json({ items: [remoteProduct(1)], next_cursor: null }),
      },
      'member',
    );
    renderApp('/store');
    expect(await screen.findByRole('checkbox', { name: 'Select Oak Sofa 1' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Disconnect/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Connect a store' })).not.toBeInTheDocument();
  });
});

describe('Store page: catalog and import', () => {
  it('selects products, imports them and follows the job to its result', async () => {
    let polls = 0;
    let remoteCalls = 0;
    const { calls } = api({
      'GET /api/v1/stores': () => json({ items: [storeFixture()] }),
      'GET /api/v1/stores/store-1/remote-products': (request) => {
        remoteCalls += 1;
        const cursor = new URL(request.url).searchParams.get('cursor');
        if (cursor === 'page-2') return json({ items: [remoteProduct(3)], next_cursor: null });
        return json({ items: [remoteProduct(1), remoteProduct(2, { imported_product_id: 'prod-9' })], next_cursor: 'page-2' });
      },
      'POST /api/v1/stores/store-1/imports': () => json(jobFixture(), 202),
      'GET /api/v1/jobs/job-1': () => {
        polls += 1;
        if (polls === 1) return json(jobFixture({ status: 'running', progress: { done: 1, failed: 0, total: 3, percent: 33 } }));
        return json(
          jobFixture({
            status: 'succeeded',
            progress: { done: 3, failed: 0, total: 3, percent: 100 },
            result: { created: 2, updated: 1, failed: 0, images: 9, image_failures: 0, stopped: null },
            finished_at: '2026-11-21T10:00:00Z',
          }),
        );
      },
    });
    const { user } = renderApp('/store');
    const table = await screen.findByRole('table', { name: 'Products in sandbox-shop.myshopify.com' });
    expect(table.querySelector('img')).toHaveAttribute('src', remoteProduct(1).image_url);
    const imported = within(table).getByRole('link', { name: 'Imported' });
    expect(imported).toHaveAttribute('href', '/products/prod-9');

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await within(table).findByText('Oak Sofa 3');
    await user.click(screen.getByRole('checkbox', { name: 'Select all 3 shown' }));
    expect(screen.getByText('3 selected')).toBeInTheDocument();
    await user.click(within(table).getByRole('checkbox', { name: 'Select Oak Sofa 2' }));
    expect(screen.getByRole('checkbox', { name: 'Select all 3 shown' })).toHaveProperty('indeterminate', true);

    const before = remoteCalls;
    await user.click(screen.getByRole('button', { name: /Import selected \(2\)/ }));
    const post = calls.find((c) => c.method === 'POST' && path(c) === '/api/v1/stores/store-1/imports');
    await waitFor(() => expect(post).toBeDefined());
    expect(await post?.json()).toEqual({ external_ids: [remoteProduct(1).external_id, remoteProduct(3).external_id] });
    expect(post?.headers.get('Idempotency-Key')).toBeTruthy();

    const bar = await screen.findByRole('progressbar', { name: 'Import progress' });
    await waitFor(() => expect(bar).toHaveAttribute('aria-valuenow', '33'));
    expect(screen.getByText('1 of 3 products imported')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Import selected/ })).toBeDisabled();

    const result = await screen.findByText('Import finished', {}, { timeout: 3000 });
    const alert = result.closest('.alert') as HTMLElement;
    expect(alert).toHaveTextContent('3 products imported (2 new, 1 updated), 9 photos added.');
    expect(within(alert).getByRole('link', { name: 'View products' })).toHaveAttribute('href', '/products?source=imported');
    // The catalog is read again, so the new products show their "Imported" badge.
    await waitFor(() => expect(remoteCalls).toBeGreaterThan(before));
  }, 15_000);

  it('explains an import stopped by the plan and links to billing', async () => {
    api({
      'GET /api/v1/stores': () => json({ items: [storeFixture()] }),
      'GET /api/v1/stores/store-1/remote-products': () => json({ items: [remoteProduct(1)], next_cursor: null }),
      'GET /api/v1/jobs': () =>
        json({
          items: [
            jobFixture({
              status: 'succeeded',
              progress: { done: 4, failed: 0, total: 10, percent: 40 },
              result: { created: 4, updated: 0, failed: 0, images: 12, image_failures: 0, stopped: 'slot_limit' },
              finished_at: new Date().toISOString(),
            }),
          ],
          next_cursor: null,
        }),
      'GET /api/v1/jobs/job-1': () =>
        json(
          jobFixture({
            status: 'succeeded',
            progress: { done: 4, failed: 0, total: 10, percent: 40 },
            result: { created: 4, updated: 0, failed: 0, images: 12, image_failures: 0, stopped: 'slot_limit' },
            finished_at: new Date().toISOString(),
          }),
        ),
    });
    renderApp('/store');
    const title = await screen.findByText('Import stopped: no product slots left');
    const alert = title.closest('.alert') as HTMLElement;
    expect(alert).toHaveTextContent("4 products imported before your plan's product slots ran out.");
    expect(within(alert).getByRole('link', { name: 'Change plan' })).toHaveAttribute('href', '/billing');
  });

  it('offers to retry a failed import with what it was started with, and remembers a dismissed result', async () => {
    sessionStorage.clear();
    const finishedAt = new Date().toISOString();
    const failed = jobFixture({
      id: 'job-0',
      status: 'failed',
      params: { store_id: 'store-1', all: false, external_ids: [remoteProduct(1).external_id] },
      error: { code: 'store_request_failed', message: 'The store did not answer.' },
      finished_at: finishedAt,
    });
    const succeeded = jobFixture({
      status: 'succeeded',
      progress: { done: 1, failed: 0, total: 1, percent: 100 },
      result: { created: 1, updated: 0, failed: 0, images: 2, image_failures: 1, stopped: null },
      finished_at: finishedAt,
    });
    let latest = failed;
    const { calls } = api({
      'GET /api/v1/stores': () => json({ items: [storeFixture()] }),
      'GET /api/v1/stores/store-1/remote-products': () => json({ items: [remoteProduct(1)], next_cursor: null }),
      'GET /api/v1/jobs': () => json({ items: [latest], next_cursor: null }),
      'GET /api/v1/jobs/job-0': () => json(failed),
      'POST /api/v1/stores/store-1/imports': () => {
        latest = succeeded;
        return json(jobFixture(), 202);
      },
      'GET /api/v1/jobs/job-1': () => json(succeeded),
    });
    const first = renderApp('/store');
    const title = await screen.findByText('Import failed');
    const alert = title.closest('.alert') as HTMLElement;
    expect(alert).toHaveTextContent('The store did not answer.');
    await first.user.click(within(alert).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    const post = calls.find((c) => c.method === 'POST' && path(c) === '/api/v1/stores/store-1/imports');
    expect(await post?.json()).toEqual({ external_ids: [remoteProduct(1).external_id] });
    const done = await screen.findByText('Import finished', {}, { timeout: 3000 });
    expect(done.closest('.alert')).toHaveTextContent('1 photo could not be downloaded from the store.');

    // A dismissed result stays dismissed when the page is opened again in this session.
    await first.user.click(screen.getByRole('button', { name: 'Dismiss the import result' }));
    expect(screen.queryByText('Import finished')).not.toBeInTheDocument();
    first.unmount();
    renderApp('/store');
    await screen.findByRole('list', { name: 'Connected stores' });
    await waitFor(() => expect(calls.filter((c) => path(c) === '/api/v1/jobs').length).toBeGreaterThan(1));
    expect(screen.queryByText('Import finished')).not.toBeInTheDocument();
    sessionStorage.clear();
  }, 15_000);

  it('asks before importing everything and warns about slots', async () => {
    const { calls } = api({
      'GET /api/v1/stores': () => json({ items: [storeFixture()] }),
      'GET /api/v1/stores/store-1/remote-products': () => json({ items: [remoteProduct(1), remoteProduct(2)], next_cursor: null }),
      'GET /api/v1/products/slots': () => json({ limit: 25, used: 24, remaining: 1 }),
      'POST /api/v1/stores/store-1/imports': () => json(jobFixture(), 202),
      'GET /api/v1/jobs/job-1': () => json(jobFixture()),
    });
    const { user } = renderApp('/store');
    await screen.findByRole('table', { name: 'Products in sandbox-shop.myshopify.com' });
    await user.click(screen.getByRole('checkbox', { name: 'Select all 2 shown' }));
    expect(await screen.findByText(/your plan has 1 product slot left/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Import all…' }));
    const dialog = screen.getByRole('dialog', { name: 'Import every product from sandbox-shop.myshopify.com?' });
    expect(dialog).toHaveTextContent('(1 left)');
    await user.click(within(dialog).getByRole('button', { name: 'Import all' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const post = calls.find((c) => c.method === 'POST' && path(c) === '/api/v1/stores/store-1/imports');
    expect(await post?.json()).toEqual({ all: true });
    expect(await screen.findByText('Waiting to start…')).toBeInTheDocument();
  });

  it('sends the same Idempotency-Key again when the first answer was lost', async () => {
    let attempts = 0;
    const { calls } = api({
      'GET /api/v1/stores': () => json({ items: [storeFixture()] }),
      'GET /api/v1/stores/store-1/remote-products': () => json({ items: [remoteProduct(1)], next_cursor: null }),
      'POST /api/v1/stores/store-1/imports': () => {
        attempts += 1;
        if (attempts === 1) throw new TypeError('Failed to fetch');
        return json(jobFixture(), 202);
      },
      'GET /api/v1/jobs/job-1': () => json(jobFixture()),
    });
    const { user } = renderApp('/store');
    await user.click(await screen.findByRole('checkbox', { name: 'Select Oak Sofa 1' }));
    await user.click(screen.getByRole('button', { name: /Import selected/ }));
    expect(await screen.findByText(/We couldn't reach Epox/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: /Import selected/ }));
    expect(await screen.findByText('Waiting to start…')).toBeInTheDocument();
    const keys = calls.filter((c) => c.method === 'POST').map((c) => c.headers.get('Idempotency-Key'));
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBeTruthy();
    expect(keys[1]).toBe(keys[0]);
  });

  it('says in words when the store does not answer, and when it has no products', async () => {
    let fail = true;
    api({
      'GET /api/v1/stores': () => json({ items: [storeFixture()] }),
      'GET /api/v1/stores/store-1/remote-products': () =>
        fail
          ? problem(502, { code: 'store_request_failed', detail: 'The store did not answer; try again shortly.' })
          : json({ items: [], next_cursor: null }),
    });
    const { user } = renderApp('/store');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent("Couldn't load the products of sandbox-shop.myshopify.com");
    expect(alert).toHaveTextContent("Shopify didn't answer in time.");
    fail = false;
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('This store has no products yet')).toBeInTheDocument();
  });
});
