import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { type Handler, json, makeMe, mockApi, problem } from '@/test/api';
import { categoryFixture, collectionFixture, productsHandler, quoteFixture } from '@/test/collections';
import { balance, noNotifications } from '@/test/credits';
import { assetFixture, generationFixture, generationOptions, itemFixture, productImage, studioProduct } from '@/test/studio';

import { renderApp } from '@/test/render';

const path = (request: Request) => new URL(request.url).pathname;

const armchair = studioProduct();
const sofa = studioProduct({ id: 'prod-2', name: 'Linen sofa', images: [productImage('img-9', { is_primary: true })] });

/** An item of the collection's run: `product` is 1 or 2, `variant` its image. */
function item(position: number, product: 1 | 2, variant: number, overrides: Record<string, unknown> = {}) {
  return itemFixture(position, { id: `item-${position + 1}`, product_id: `prod-${product}`, variant, ...overrides });
}

/** Everything the detail page asks for; `handlers` override. */
function api(handlers: Record<string, Handler> = {}, { available = 42, collection = collectionFixture() } = {}) {
  return mockApi({
    'GET /api/v1/me': () => json(makeMe()),
    'GET /api/v1/credits/balance': () => json(balance({ available })),
    'GET /api/v1/notifications': () => json(noNotifications),
    'GET /api/v1/collections/col-1': () => json(collection),
    'GET /api/v1/products': productsHandler([armchair, sofa]),
    'GET /api/v1/generation/options': () => json(generationOptions()),
    'GET /api/v1/categories': () => json({ items: [categoryFixture('cat-outdoor', 'Outdoor')], next_cursor: null }),
    'POST /api/v1/generations/quote': async (request) => {
      const body = (await request.json()) as { variants: number };
      return json(quoteFixture([body.variants, body.variants], available));
    },
    ...handlers,
  });
}

async function openCollection() {
  const app = renderApp('/studio/collections/col-1');
  await screen.findByRole('heading', { name: 'Autumn living room' }, { timeout: 5000 });
  const side = within(await screen.findByRole('complementary', { name: 'Generate' }, { timeout: 5000 }));
  const products = within(await screen.findByRole('list', { name: 'Products in this collection' }, { timeout: 5000 }));
  return { ...app, side, products };
}

describe('Collection detail: before Generate', () => {
  it('shows the look and the cost from the quote, asked for the whole collection', async () => {
    const { calls } = api();
    const { user, side, products } = await openCollection();
    expect(await side.findByText(/This will use/, {}, { timeout: 5000 })).toHaveTextContent('This will use 2 credits — you have 42');
    expect(side.getByText(/× 1 image each/)).toHaveTextContent('2 products × 1 image each');
    const quotes = calls.filter((c) => path(c) === '/api/v1/generations/quote');
    expect(await quotes[0]?.json()).toEqual({ collection_id: 'col-1', variants: 1, provider: 'local' });

    // Every product, not generated yet, with what it costs.
    const armchairRow = products.getByRole('listitem', { name: 'Oak armchair' });
    expect(armchairRow).toHaveTextContent('Not generated yet.');
    expect(await within(armchairRow).findByText('1K · 1 credit', {}, { timeout: 5000 })).toBeInTheDocument();

    // The look: shared settings, then the section and who it is for.
    const look = screen.getByRole('heading', { name: 'Look' }).closest('section') as HTMLElement;
    expect(look).toHaveTextContent('Scene: Living room');
    expect(look).toHaveTextContent('Format: 4:5');
    expect(look).toHaveTextContent('Style: Scandinavian');
    expect(look).toHaveTextContent('Color palette: Terracotta');
    expect(await within(look).findByText('For Outdoor', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(look).toHaveTextContent('Lighting: Golden hour');

    // More images per product: asked again, priced again.
    await user.click(within(side.getByRole('group', { name: 'Images' })).getByRole('radio', { name: '3' }));
    await waitFor(() => expect(side.getByText(/This will use/)).toHaveTextContent('This will use 6 credits — you have 42'), { timeout: 5000 });
    expect(side.getByRole('button', { name: 'Generate 6 images' })).toBeEnabled();
  }, 30_000);

  it('holds Generate back and says why when the API refuses the collection', async () => {
    api({
      'POST /api/v1/generations/quote': () =>
        problem(422, {
          code: 'product_without_images',
          detail: 'Linen sofa has no photo yet: add one before generating.',
          errors: [{ field: 'product_ids', message: 'Linen sofa has no photo yet: add one before generating.', type: 'value_error' }],
        }),
    });
    const { side } = await openCollection();
    expect(await side.findByText(/Can't generate yet/, {}, { timeout: 5000 })).toBeInTheDocument();
    expect(side.getByText(/Can't generate yet/).closest('.cost-line')).toHaveTextContent('Linen sofa has no photo yet: add one before generating.');
    expect(side.getByRole('link', { name: 'Edit the collection' })).toHaveAttribute('href', '/studio/collections/col-1/edit');
    expect(side.getByRole('button', { name: 'Generate 2 images' })).toBeDisabled();
  }, 30_000);

  it('says when the balance is short and holds Generate back', async () => {
    api({}, { available: 1 });
    const { side } = await openCollection();
    expect(await side.findByText(/This needs/, {}, { timeout: 5000 })).toBeInTheDocument();
    expect(side.getByText(/This needs/).closest('.cost-line')).toHaveTextContent('This needs 2 credits — you have 1.');
    expect(side.getByRole('link', { name: 'Buy credits' })).toHaveAttribute('href', '/billing');
    expect(side.getByRole('button', { name: 'Generate 2 images' })).toBeDisabled();
  }, 30_000);
});

describe('Collection detail: the last run, per product', () => {
  it("shows each product's status, the delivered images and why the others failed", async () => {
    const run = generationFixture(
      [
        item(0, 1, 0, { status: 'succeeded', asset_id: 'asset-1' }),
        item(1, 1, 1, { status: 'succeeded', asset_id: 'asset-2' }),
        item(2, 2, 0, { status: 'failed', error_code: 'content_rejected', error_message: 'The provider refused this scene.' }),
        item(3, 2, 1, { status: 'failed', error_code: 'content_rejected', error_message: 'The provider refused this scene.' }),
      ],
      { status: 'succeeded', finished_at: '2026-11-27T09:02:00Z' },
    );
    api(
      {
        'GET /api/v1/generations/job-1': () => json(run),
        'GET /api/v1/assets/asset-1': () => json(assetFixture('asset-1')),
        'GET /api/v1/assets/asset-2': () => json(assetFixture('asset-2')),
      },
      { collection: collectionFixture({ last_job_id: 'job-1' }) },
    );
    const { user, products } = await openCollection();

    const armchairRow = within(products.getByRole('listitem', { name: 'Oak armchair' }));
    expect(await armchairRow.findByText('Delivered', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(armchairRow.getByText('2 images delivered')).toBeInTheDocument();
    const tiles = armchairRow.getByRole('list', { name: 'Images of Oak armchair' });
    expect(await within(tiles).findByRole('img', { name: 'Generated image 2' }, { timeout: 5000 })).toHaveAttribute(
      'src',
      'http://localhost/files/asset-2/preview.webp',
    );

    const sofaRow = within(products.getByRole('listitem', { name: 'Linen sofa' }));
    expect(sofaRow.getByText('Failed', { selector: '.badge' })).toBeInTheDocument();
    expect(sofaRow.getByText('The provider refused this scene.', { selector: '.collection-product-error' })).toBeInTheDocument();
    expect(within(sofaRow.getByRole('list', { name: 'Images of Linen sofa' })).getAllByRole('listitem', { name: /failed/ })).toHaveLength(2);

    const summary = screen.getByRole('region', { name: 'Run progress' });
    expect(summary).toHaveTextContent('2 images delivered · 2 credits used · 2 failed, 2 credits returned');
    expect(screen.getByRole('link', { name: 'All images in Assets' })).toHaveAttribute('href', '/assets?collection=col-1');

    // A delivered image opens in the lightbox.
    await user.click(within(tiles).getByRole('button', { name: 'Image 1 of 2: ready. Open it' }));
    expect(await screen.findByRole('dialog', {}, { timeout: 5000 })).toBeInTheDocument();
  }, 30_000);

  it('generates with one Idempotency-Key per click and follows each product until its images arrive', async () => {
    let runStarted = false;
    let finish = false;
    const queued = generationFixture([item(0, 1, 0), item(1, 2, 0)], { id: 'job-2' });
    const running = generationFixture([item(0, 1, 0, { status: 'succeeded', asset_id: 'asset-1' }), item(1, 2, 0, { status: 'running' })], {
      id: 'job-2',
      status: 'running',
    });
    const done = generationFixture(
      [item(0, 1, 0, { status: 'succeeded', asset_id: 'asset-1' }), item(1, 2, 0, { status: 'succeeded', asset_id: 'asset-3' })],
      { id: 'job-2', status: 'succeeded' },
    );
    const { calls } = api({
      'POST /api/v1/generations': () => {
        runStarted = true;
        return json(queued, 202);
      },
      'GET /api/v1/collections/col-1': () => json(collectionFixture({ last_job_id: runStarted ? 'job-2' : null })),
      'GET /api/v1/generations/job-2': () => json(finish ? done : running),
      'GET /api/v1/assets/asset-1': () => json(assetFixture('asset-1')),
      'GET /api/v1/assets/asset-3': () => json(assetFixture('asset-3', { product_id: 'prod-2' })),
    });
    const { side, products } = await openCollection();
    expect(await side.findByText(/This will use/, {}, { timeout: 5000 })).toHaveTextContent('This will use 2 credits');

    const generate = side.getByRole('button', { name: 'Generate 2 images' });
    fireEvent.click(generate);
    fireEvent.click(generate);
    const summary = await screen.findByRole('region', { name: 'Run progress' }, { timeout: 5000 });
    const posts = calls.filter((c) => c.method === 'POST' && path(c) === '/api/v1/generations');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.headers.get('Idempotency-Key')).toMatch(/.{16,}/);
    expect(await posts[0]?.json()).toEqual({ collection_id: 'col-1', variants: 1, provider: 'local' });

    // The first read: the armchair is done, the sofa is being made; Generate waits for the run.
    const sofaRow = within(products.getByRole('listitem', { name: 'Linen sofa' }));
    expect(await sofaRow.findByText('Generating', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(sofaRow.getByRole('listitem', { name: 'Image 1 of 1: generating' })).toBeInTheDocument();
    const armchairRow = within(products.getByRole('listitem', { name: 'Oak armchair' }));
    expect(armchairRow.getByText('Delivered')).toBeInTheDocument();
    expect(summary).toHaveTextContent('1 of 2 products done · 1 of 2 images ready…');
    expect(side.getByRole('button', { name: 'Generate 2 images' })).toBeDisabled();

    // A later read: both delivered, and the images are there.
    finish = true;
    expect(await sofaRow.findByText('Delivered', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(await sofaRow.findByRole('img', { name: 'Generated image 1' }, { timeout: 5000 })).toHaveAttribute('src', 'http://localhost/files/asset-3/preview.webp');
    await waitFor(() => expect(summary).toHaveTextContent('2 images delivered · 2 credits used'), { timeout: 5000 });
    expect(side.getByRole('button', { name: 'Generate 2 images' })).toBeEnabled();
  }, 30_000);

  it('turns a 402 into the buy-credits prompt', async () => {
    api({
      'POST /api/v1/generations': () =>
        problem(402, { code: 'insufficient_credits', detail: 'This needs 2 credits and 0 are available.', required: 2, available: 0 }),
    });
    const { user, side } = await openCollection();
    expect(await side.findByText(/This will use/, {}, { timeout: 5000 })).toHaveTextContent('This will use 2 credits');
    await user.click(side.getByRole('button', { name: 'Generate 2 images' }));
    const prompt = (await side.findByText("You're out of credits — buy credits or change plan", {}, { timeout: 5000 })).closest('.alert') as HTMLElement;
    expect(prompt).toHaveTextContent('This needs 2 credits and you have 0. Nothing was charged.');
    expect(within(prompt).getByRole('link', { name: 'Buy credits' })).toHaveAttribute('href', '/billing');
    expect(side.queryByRole('alert')).not.toBeInTheDocument();
  }, 30_000);

  it('stops a running run', async () => {
    const running = generationFixture([item(0, 1, 0, { status: 'running' }), item(1, 2, 0)], { status: 'running' });
    const { calls } = api(
      {
        'GET /api/v1/generations/job-1': () => json(running),
        'POST /api/v1/jobs/job-1/cancel': () => json({ ...running.job, status: 'canceled' }),
      },
      { collection: collectionFixture({ last_job_id: 'job-1' }) },
    );
    const { user } = await openCollection();
    const summary = within(await screen.findByRole('region', { name: 'Run progress' }, { timeout: 5000 }));
    await user.click(await summary.findByRole('button', { name: 'Stop' }, { timeout: 5000 }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && path(c) === '/api/v1/jobs/job-1/cancel')).toBe(true), { timeout: 5000 });
  }, 30_000);
});
