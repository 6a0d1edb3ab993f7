import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { json, makeMe, mockApi, problem } from '@/test/api';
import { balance, noNotifications } from '@/test/credits';
import { renderApp } from '@/test/render';
import { generationOptions, studioProduct } from '@/test/studio';
import { productFixture } from '@/test/products';

import { resolvedSettings, sourceText } from './hooks';
import { fakeLibrary, libraryAsset, page } from './testing';

const lamp = productFixture({ id: 'prod-2', name: 'Arc lamp' });
const T = { timeout: 5000 };

function api(extra: Parameters<typeof mockApi>[0] = {}, role: 'owner' | 'viewer' = 'owner') {
  return mockApi({
    'GET /api/v1/me': () => json(makeMe({ role })),
    'GET /api/v1/credits/balance': () => json(balance()),
    'GET /api/v1/notifications': () => json(noNotifications),
    'GET /api/v1/generation/options': () => json(generationOptions()),
    'GET /api/v1/products': () => json({ items: [studioProduct(), lamp], next_cursor: null }),
    'GET /api/v1/products/prod-1': () => json(studioProduct()),
    'GET /api/v1/collections': () => json(page([])),
    'GET /api/v1/stores': () => json({ items: [] }),
    ...extra,
  });
}

const queryOf = (request: Request) => new URL(request.url).searchParams;
const listCalls = (calls: Request[]) => calls.filter((c) => c.method === 'GET' && new URL(c.url).pathname === '/api/v1/assets');
const five = () => ['a-1', 'a-2', 'a-3', 'a-4', 'a-5'].map((id, index) => libraryAsset(id, { created_at: `2026-11-27T09:0${index}:00Z` }));

describe('Assets page', () => {
  it('lists every asset a page at a time, and filters by product', async () => {
    const { calls } = api({
      'GET /api/v1/assets': (request) => {
        const query = queryOf(request);
        if (query.get('product_id') === 'prod-2') return json({ items: [], next_cursor: null });
        if (query.get('cursor') === 'page-2') return json({ items: [libraryAsset('a-3', { product_id: 'prod-2' })], next_cursor: null });
        return json({ items: [libraryAsset('a-1'), libraryAsset('a-2')], next_cursor: 'page-2' });
      },
    });
    const { user, router } = renderApp('/assets');
    const grid = await screen.findByRole('list', { name: 'Assets' }, T);
    await waitFor(() => expect(within(grid).getAllByRole('button', { name: /^Open Oak armchair, Living room image/ })).toHaveLength(2), T);

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(within(grid).getAllByRole('listitem')).toHaveLength(3), T);
    expect(within(grid).getByText('Arc lamp')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();

    await user.selectOptions(screen.getByRole('combobox', { name: 'Product' }), 'Arc lamp');
    expect(await screen.findByText('No images of Arc lamp yet', {}, T)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Open in Studio' })).toHaveAttribute('href', '/studio?product=prod-2');
    expect(router.state.location.search).toBe('?product=prod-2');
    expect(calls.some((c) => queryOf(c).get('product_id') === 'prod-2')).toBe(true);
  }, 30_000);

  it('keeps every filter in the address bar and asks the API for exactly that', async () => {
    const { calls } = api({ 'GET /api/v1/assets': () => json(page([libraryAsset('a-1')])) });
    const { user, router } = renderApp('/assets?approval=approved&sync=failed');
    await screen.findByRole('list', { name: 'Assets' }, T);
    expect(screen.getByRole('combobox', { name: 'Review' })).toHaveValue('approved');
    expect(screen.getByRole('combobox', { name: 'Store sync' })).toHaveValue('failed');
    expect(Object.fromEntries(queryOf(listCalls(calls)[0]))).toEqual({ approval: 'approved', sync_status: 'failed', limit: '24' });

    await user.click(screen.getByRole('checkbox', { name: 'Pinned' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Type' }), 'Images');
    await waitFor(() => expect(router.state.location.search).toBe('?approval=approved&sync=failed&pinned=1&type=image'), T);
    await waitFor(() => {
      const last = queryOf(listCalls(calls).at(-1) as Request);
      expect([last.get('approval'), last.get('sync_status'), last.get('pinned'), last.get('type')]).toEqual(['approved', 'failed', 'true', 'image']);
    }, T);

    await user.type(screen.getByRole('searchbox', { name: 'Search assets' }), 'reading corner');
    await waitFor(() => expect(router.state.location.search).toContain('q=reading+corner'), T);
    await user.click(screen.getByRole('button', { name: 'List' }));
    expect(await screen.findByRole('table', { name: 'Assets' }, T)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(router.state.location.search).toBe('?view=list'), T);
  }, 30_000);

  it('shows review and store state on every asset, with the reason a sync failed', async () => {
    api({
      'GET /api/v1/assets': () =>
        json(
          page([
            libraryAsset('a-1', { approval: 'approved', sync_state: 'synced' }),
            libraryAsset('a-2', { approval: 'approved', sync_state: 'failed', sync_error: 'The product was deleted in the store.' }),
            libraryAsset('a-3', { sync_state: 'pending' }),
          ]),
        ),
    });
    renderApp('/assets');
    const grid = await screen.findByRole('list', { name: 'Assets' }, T);
    const cards = await within(grid).findAllByRole('listitem', {}, T);
    expect(cards[0]).toHaveTextContent('Approved');
    expect(cards[0]).toHaveTextContent('Synced');
    expect(cards[1]).toHaveTextContent('Sync failed: The product was deleted in the store.');
    expect(cards[2]).toHaveTextContent('To review');
    expect(cards[2]).toHaveTextContent('Publishing…');
  }, 30_000);

  it('selects with clicks, shift-click ranges and the keyboard', async () => {
    api(fakeLibrary(five()).handlers);
    const { user } = renderApp('/assets');
    const grid = await screen.findByRole('list', { name: 'Assets' }, T);
    const boxes = await within(grid).findAllByRole('checkbox', {}, T);
    await user.click(boxes[0]);
    await user.keyboard('{Shift>}');
    await user.click(boxes[2]);
    await user.keyboard('{/Shift}');
    const bar = await screen.findByRole('region', { name: 'Selected assets' }, T);
    expect(bar).toHaveTextContent('3 selected');
    expect(boxes.map((box) => (box as HTMLInputElement).checked)).toEqual([true, true, true, false, false]);

    // Escape clears; arrows move between previews, Space selects, Ctrl+A selects every loaded one.
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Selected assets' })).not.toBeInTheDocument(), T);
    const opens = within(grid).getAllByRole('button', { name: /^Open / });
    opens[0].focus();
    await user.keyboard('{ArrowRight}');
    expect(opens[1]).toHaveFocus();
    await user.keyboard(' ');
    expect(boxes[1]).toBeChecked();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await user.keyboard('{Shift>}{ArrowRight}{ArrowRight}{/Shift}');
    expect(opens[3]).toHaveFocus();
    expect(await screen.findByRole('region', { name: 'Selected assets' }, T)).toHaveTextContent('3 selected');
    await user.keyboard('{Control>}a{/Control}');
    expect(screen.getByRole('region', { name: 'Selected assets' })).toHaveTextContent('5 selected');
  }, 30_000);

  it('selects every matching asset across pages and runs the action 500 at a time', async () => {
    const many = Array.from({ length: 520 }, (_, i) => libraryAsset(`m-${i}`));
    const library = fakeLibrary(many);
    const { calls } = api(library.handlers);
    const { user } = renderApp('/assets');
    const grid = await screen.findByRole('list', { name: 'Assets' }, T);
    await user.click((await within(grid).findAllByRole('checkbox', {}, T))[0]);
    const bar = await screen.findByRole('region', { name: 'Selected assets' }, T);
    await user.click(within(bar).getByRole('button', { name: 'Select all matching' }));
    await waitFor(() => expect(bar).toHaveTextContent('All 520 images matching selected'), T);
    expect(listCalls(calls).filter((c) => queryOf(c).get('limit') === '200')).toHaveLength(3);

    await user.click(within(bar).getByRole('button', { name: 'Favorite' }));
    expect(await screen.findByText('520 images added to favorites', {}, T)).toBeInTheDocument();
    const batches = calls.filter((c) => c.method === 'POST' && new URL(c.url).pathname === '/api/v1/assets/batch');
    const sizes = await Promise.all(batches.map(async (c) => ((await c.json()) as { asset_ids: string[] }).asset_ids.length));
    expect(sizes).toEqual([500, 20]);
    expect([...library.assets.values()].every((asset) => asset.favorite === true)).toBe(true);
  }, 30_000);

  it('approves at once, then puts back and reports every asset the server refused', async () => {
    const library = fakeLibrary(five());
    library.refusals.set('a-2', { code: 'asset_deleted', detail: 'The asset is in the trash: restore it first.' });
    let release: () => void = () => {};
    const answered = new Promise<void>((resolve) => (release = resolve));
    const batch = library.handlers['POST /api/v1/assets/batch'];
    api({
      ...library.handlers,
      'POST /api/v1/assets/batch': async (request) => {
        await answered;
        return batch(request);
      },
    });
    const { user } = renderApp('/assets');
    const grid = await screen.findByRole('list', { name: 'Assets' }, T);
    const boxes = await within(grid).findAllByRole('checkbox', {}, T);
    await user.click(boxes[0]);
    await user.click(boxes[1]);
    await user.click(boxes[2]);
    await user.click(within(screen.getByRole('region', { name: 'Selected assets' })).getByRole('button', { name: 'Approve' }));

    // Shown approved before the server answers.
    await waitFor(() => expect(within(grid).getAllByText('Approved')).toHaveLength(3), T);
    release();
    const report = await screen.findByText('2 of 3 images approved · 1 not', {}, T);
    const alert = report.closest('.alert') as HTMLElement;
    expect(within(alert).getByRole('list', { name: 'Not approved' })).toHaveTextContent('The asset is in the trash: restore it first.');
    await waitFor(() => expect(within(grid).getAllByRole('listitem')[1]).toHaveTextContent('To review'), T);
    expect(within(grid).getAllByText('Approved')).toHaveLength(2);

    // The failed one can be picked out to try again.
    await user.click(within(alert).getByRole('button', { name: 'Select the failed one' }));
    expect(screen.getByRole('region', { name: 'Selected assets' })).toHaveTextContent('1 selected');
    expect(boxes[1]).toBeChecked();
  }, 30_000);

  it('pins at once and takes it back when the change fails; a stale version is re-read and explained', async () => {
    const library = fakeLibrary([libraryAsset('a-1')]);
    let fail = true;
    const patch = library.handlers['PATCH /api/v1/assets/a-1'];
    const { calls } = api({
      ...library.handlers,
      'PATCH /api/v1/assets/a-1': async (request) => {
        if (fail) return problem(500);
        return patch(request);
      },
    });
    const { user } = renderApp('/assets');
    const grid = await screen.findByRole('list', { name: 'Assets' }, T);
    const pin = await within(grid).findByRole('button', { name: 'Pinned' }, T);
    expect(pin).toHaveAttribute('aria-pressed', 'false');
    await user.click(pin);
    expect(await screen.findByText("Couldn't save that change", {}, T)).toBeInTheDocument();
    await waitFor(() => expect(pin).toHaveAttribute('aria-pressed', 'false'), T);

    // Someone else changed it meanwhile: 412, the asset is read again and the person is told.
    fail = false;
    library.assets.set('a-1', { ...(library.assets.get('a-1') as object), favorite: true, version: 4 });
    const reads = listCalls(calls).length;
    await user.click(within(grid).getByRole('button', { name: 'Pinned' }));
    expect(await screen.findByText('Changed by someone else', {}, T)).toBeInTheDocument();
    await waitFor(() => expect(listCalls(calls).length).toBeGreaterThan(reads), T);
    await waitFor(() => expect(within(grid).getByRole('button', { name: 'Favorite' })).toHaveAttribute('aria-pressed', 'true'), T);
    expect(within(grid).getByRole('button', { name: 'Pinned' })).toHaveAttribute('aria-pressed', 'false');

    // With the fresh version the same click goes through.
    await user.click(within(grid).getByRole('button', { name: 'Pinned' }));
    await waitFor(() => expect(library.assets.get('a-1')?.pinned).toBe(true), T);
    const sent = calls.filter((c) => c.method === 'PATCH').at(-1) as Request;
    expect(await sent.json()).toEqual({ pinned: true, version: 4 });
  }, 30_000);

  it('moves to the trash with Undo, and restores from the trash with the days left', async () => {
    const library = fakeLibrary(five());
    api(library.handlers);
    const { user } = renderApp('/assets');
    const grid = await screen.findByRole('list', { name: 'Assets' }, T);
    const boxes = await within(grid).findAllByRole('checkbox', {}, T);
    await user.click(boxes[0]);
    await user.click(within(screen.getByRole('region', { name: 'Selected assets' })).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText('1 image moved to the trash. They can be restored for 30 days.', {}, T)).toBeInTheDocument();
    await waitFor(() => expect(within(grid).getAllByRole('listitem')).toHaveLength(4), T);
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(within(grid).getAllByRole('listitem')).toHaveLength(5), T);

    library.assets.set('a-5', { ...(library.assets.get('a-5') as object), deleted_at: '2026-11-27T10:00:00Z', purge_at: new Date(Date.now() + 12.5 * 86_400_000).toISOString() });
    await user.click(screen.getByRole('button', { name: /Trash/ }));
    const trash = await screen.findByRole('list', { name: 'Trash' }, T);
    const card = (await within(trash).findAllByRole('listitem', {}, T))[0];
    expect(card).toHaveTextContent('12 days left to restore');
    await user.click(within(card).getByRole('button', { name: 'Restore' }));
    expect(await screen.findByText('Restored: it is back in your library.', {}, T)).toBeInTheDocument();
    await waitFor(() => expect(library.assets.get('a-5')?.deleted_at).toBeNull(), T);
  }, 30_000);

  it('lets viewers look without review controls', async () => {
    api({ 'GET /api/v1/assets': () => json(page([libraryAsset('a-1')])) }, 'viewer');
    const { user } = renderApp('/assets');
    const grid = await screen.findByRole('list', { name: 'Assets' }, T);
    await within(grid).findByRole('checkbox', {}, T);
    expect(within(grid).queryByRole('button', { name: 'Pinned' })).not.toBeInTheDocument();
    await user.click(within(grid).getByRole('checkbox'));
    const bar = await screen.findByRole('region', { name: 'Selected assets' }, T);
    expect(within(bar).queryByRole('button', { name: 'Approve' })).not.toBeInTheDocument();
  }, 30_000);

  it('opens an asset large, compared with the product photo, with how it was made', async () => {
    api({
      'GET /api/v1/assets': () => json({ items: [libraryAsset('a-1'), libraryAsset('a-2', { seed: 7 })], next_cursor: null }),
      'GET /api/v1/assets/a-1': () => json(libraryAsset('a-1')),
      'GET /api/v1/assets/a-2': () => json(libraryAsset('a-2', { seed: 7 })),
    });
    const { user } = renderApp('/assets');
    const grid = await screen.findByRole('list', { name: 'Assets' }, T);
    await user.click(within(grid).getAllByRole('button', { name: /^Open / })[0]);

    const dialog = within(await screen.findByRole('dialog', { name: 'Oak armchair' }, T));
    expect(dialog.getByText('Image 1 of 2')).toBeInTheDocument();
    const slider = await dialog.findByRole('slider', { name: 'Compare with the original photo' }, T);
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
    expect(await dialog.findByText('Image 2 of 2', {}, T)).toBeInTheDocument();
    expect(await dialog.findByText('7', {}, T)).toBeInTheDocument();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument(), T);
  }, 30_000);

  it('reviews from the preview, and lists an edit with its revisions and compares it with its parent', async () => {
    const original = libraryAsset('a-1');
    const edited = libraryAsset('a-2', { parent_id: 'a-1', parent_asset_id: 'a-1', edit: { operation: 'adjust', params: { exposure: 0.5 } }, provider: 'editor', credits_charged: 0 });
    const library = fakeLibrary([edited, original]);
    api(library.handlers);
    const { user } = renderApp('/assets');
    const grid = await screen.findByRole('list', { name: 'Assets' }, T);
    await user.click((await within(grid).findAllByRole('button', { name: /^Open / }, T))[0]);
    const dialog = within(await screen.findByRole('dialog', { name: 'Oak armchair' }, T));
    expect(await dialog.findByRole('slider', { name: 'Compare with the version before this edit' }, T)).toBeInTheDocument();
    expect(dialog.getByRole('img', { name: 'Oak armchair, before the edit' })).toHaveAttribute('src', 'http://localhost/files/a-1/preview.webp');
    const revisions = dialog.getByRole('region', { name: 'Revision history' });
    expect(within(revisions).getAllByRole('button').map((b) => b.textContent)).toEqual([expect.stringContaining('Original'), expect.stringContaining('Adjust: exposure +0.5')]);
    expect(within(revisions).getByRole('button', { current: true })).toHaveTextContent('Adjust: exposure +0.5');

    await user.click(dialog.getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(dialog.getByRole('button', { name: 'Approved' })).toHaveAttribute('aria-pressed', 'true'), T);
    await waitFor(() => expect(library.assets.get('a-2')?.approval).toBe('approved'), T);

    await user.click(within(revisions).getByRole('button', { name: /Original/ }));
    expect(await dialog.findByRole('slider', { name: 'Compare with the original photo' }, T)).toBeInTheDocument();
  }, 30_000);

  it('says there is nothing yet and points to the Studio', async () => {
    api({ 'GET /api/v1/assets': () => json({ items: [], next_cursor: null }) });
    renderApp('/assets');
    expect(await screen.findByText('No assets yet', {}, T)).toBeInTheDocument();
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
