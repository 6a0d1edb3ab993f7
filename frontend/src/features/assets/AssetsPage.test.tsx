import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { json, makeMe, mockApi } from '@/test/api';
import { balance, noNotifications } from '@/test/credits';
import { renderApp } from '@/test/render';
import { assetFixture, generationOptions, studioProduct } from '@/test/studio';
import { productFixture } from '@/test/products';

import { resolvedSettings, sourceText } from './hooks';

const lamp = productFixture({ id: 'prod-2', name: 'Arc lamp' });

function api(extra: Parameters<typeof mockApi>[0] = {}) {
  return mockApi({
    'GET /api/v1/me': () => json(makeMe()),
    'GET /api/v1/credits/balance': () => json(balance()),
    'GET /api/v1/notifications': () => json(noNotifications),
    'GET /api/v1/generation/options': () => json(generationOptions()),
    'GET /api/v1/products': () => json({ items: [studioProduct(), lamp], next_cursor: null }),
    'GET /api/v1/products/prod-1': () => json(studioProduct()),
    ...extra,
  });
}

describe('Assets page', () => {
  it('lists every asset a page at a time, and filters by product', async () => {
    const { calls } = api({
      'GET /api/v1/assets': (request) => {
        const query = new URL(request.url).searchParams;
        if (query.get('product_id') === 'prod-2') return json({ items: [], next_cursor: null });
        if (query.get('cursor') === 'page-2') return json({ items: [assetFixture('a-3', { product_id: 'prod-2' })], next_cursor: null });
        return json({ items: [assetFixture('a-1'), assetFixture('a-2')], next_cursor: 'page-2' });
      },
    });
    const { user, router } = renderApp('/assets');
    const grid = await screen.findByRole('list', { name: 'Assets' }, { timeout: 5000 });
    await waitFor(() => expect(within(grid).getAllByRole('button', { name: /^Open Oak armchair, Living room image/ })).toHaveLength(2), { timeout: 5000 });

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(within(grid).getAllByRole('listitem')).toHaveLength(3), { timeout: 5000 });
    expect(within(grid).getByText('Arc lamp')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();

    await user.selectOptions(screen.getByRole('combobox', { name: 'Product' }), 'Arc lamp');
    expect(await screen.findByText('No images of Arc lamp yet', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Open in Studio' })).toHaveAttribute('href', '/studio?product=prod-2');
    expect(router.state.location.search).toBe('?product=prod-2');
    expect(calls.some((c) => new URL(c.url).searchParams.get('product_id') === 'prod-2')).toBe(true);
  }, 30_000);

  it('opens an asset large, compared with the product photo, with how it was made', async () => {
    api({
      'GET /api/v1/assets': () => json({ items: [assetFixture('a-1'), assetFixture('a-2', { seed: 7 })], next_cursor: null }),
      'GET /api/v1/assets/a-1': () => json(assetFixture('a-1')),
      'GET /api/v1/assets/a-2': () => json(assetFixture('a-2', { seed: 7 })),
    });
    const { user } = renderApp('/assets');
    const grid = await screen.findByRole('list', { name: 'Assets' }, { timeout: 5000 });
    await user.click(within(grid).getAllByRole('button')[0]);

    const dialog = within(await screen.findByRole('dialog', { name: 'Oak armchair' }, { timeout: 5000 }));
    expect(dialog.getByText('Image 1 of 2')).toBeInTheDocument();
    const slider = await dialog.findByRole('slider', { name: 'Compare with the original photo' }, { timeout: 5000 });
    expect(dialog.getByRole('img', { name: 'Oak armchair, original photo' })).toHaveAttribute('src', 'http://localhost/files/img-1/preview.webp');
    expect(dialog.getByRole('img', { name: 'Oak armchair, generated' })).toHaveAttribute('src', 'http://localhost/files/a-1/preview.webp');
    // Sliding reveals more or less of the original (the browser moves a focused range with the arrow keys).
    fireEvent.change(slider, { target: { value: '30' } });
    expect(slider).toHaveAttribute('aria-valuetext', '30% original photo');
    expect(document.querySelector('.compare-before')).toHaveStyle({ clipPath: 'inset(0 70% 0 0)' });

    const settings = dialog.getByRole('list', { name: 'Scene settings' });
    expect(settings).toHaveTextContent('Lighting: Golden hour — from category Outdoor');
    expect(settings).toHaveTextContent('Style: Scandinavian — set in the Studio');
    expect(settings).toHaveTextContent('Color palette: Warm neutrals — filled in by the Scandinavian style');
    expect(settings).toHaveTextContent('Your direction: a reading corner — set in the Studio');
    expect(settings).not.toHaveTextContent('Scene type');
    expect(dialog.getByText('Epox Studio')).toBeInTheDocument();
    expect(dialog.getByText('epox-compositor-1')).toBeInTheDocument();
    expect(dialog.getByText('424242')).toBeInTheDocument();
    expect(dialog.getByText('1 credit')).toBeInTheDocument();
    expect(dialog.getByLabelText('Prompt')).toHaveTextContent(/Keep the product exactly/);
    expect(dialog.getByRole('link', { name: 'Download' })).toHaveAttribute('href', 'http://localhost/files/a-1/original.png');

    // The arrow keys step to the next image; Escape closes.
    await user.click(dialog.getByRole('button', { name: 'Compare to original' }));
    await user.keyboard('{ArrowRight}');
    expect(await dialog.findByText('Image 2 of 2', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(await dialog.findByText('7', {}, { timeout: 5000 })).toBeInTheDocument();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument(), { timeout: 5000 });
  }, 30_000);

  it('says there is nothing yet and points to the Studio', async () => {
    api({ 'GET /api/v1/assets': () => json({ items: [], next_cursor: null }) });
    renderApp('/assets');
    expect(await screen.findByText('No assets yet', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getAllByRole('link', { name: 'Open the Studio' })[0]).toHaveAttribute('href', '/studio');
  }, 30_000);
});

describe('resolved settings', () => {
  it('read the stored document defensively, bubbles in the given order, options apart', () => {
    const settings = {
      mood: [{ value: 'Calm', source: 'flow', label: 'This session' }],
      lighting: [{ value: 'Golden hour', source: 'primary_category', label: 'Outdoor' }],
      quality: [{ value: '1k', source: 'flow', label: 'This session' }],
      bogus: 3,
    };
    expect(resolvedSettings(settings, ['lighting', 'mood'])).toEqual({
      bubbles: [
        { type: 'lighting', values: [{ value: 'Golden hour', source: 'primary_category', label: 'Outdoor' }] },
        { type: 'mood', values: [{ value: 'Calm', source: 'flow', label: 'This session' }] },
      ],
      options: { quality: { value: '1k', source: 'flow', label: 'This session' } },
    });
    expect(sourceText({ source: 'product', label: 'Oak armchair' })).toBe('from the product defaults of Oak armchair');
    expect(sourceText({ source: 'organization', label: 'Acme' })).toBe('from your workspace defaults');
  });
});
