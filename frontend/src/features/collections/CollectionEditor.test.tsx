import { screen, waitFor, within } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { type Handler, json, makeMe, mockApi, problem } from '@/test/api';
import { categoryFixture, collectionFixture, productsHandler } from '@/test/collections';
import { balance, noNotifications } from '@/test/credits';
import { renderApp } from '@/test/render';
import { costTable, generationOptions, productImage, studioProduct } from '@/test/studio';

const path = (request: Request) => new URL(request.url).pathname;

const armchair = studioProduct();
const sofa = studioProduct({ id: 'prod-2', name: 'Linen sofa', images: [productImage('img-9', { is_primary: true })] });
const stool = studioProduct({ id: 'prod-3', name: 'Bare stool', images: [] });

function api(handlers: Record<string, Handler> = {}) {
  return mockApi({
    'GET /api/v1/me': () => json(makeMe()),
    'GET /api/v1/credits/balance': () => json(balance()),
    'GET /api/v1/notifications': () => json(noNotifications),
    'GET /api/v1/generation/options': () => json(generationOptions()),
    'GET /api/v1/credits/costs': () => json(costTable()),
    'GET /api/v1/categories': () => json({ items: [categoryFixture('cat-outdoor', 'Outdoor'), categoryFixture('cat-sofas', 'Sofas')], next_cursor: null }),
    'GET /api/v1/products': productsHandler([armchair, sofa, stool]),
    'GET /api/v1/collections/col-1': () => json(collectionFixture()),
    ...handlers,
  });
}

/** Types at once (user-event's key-by-key typing takes seconds per field in jsdom). */
async function fill(user: UserEvent, field: HTMLElement, text: string) {
  await user.clear(field);
  await user.click(field);
  await user.paste(text);
}

async function openEditor(at = '/studio/collections/new', heading = 'New collection') {
  const app = renderApp(at);
  await screen.findByRole('heading', { name: heading }, { timeout: 5000 });
  await screen.findByRole('list', { name: 'Products to add' }, { timeout: 5000 });
  return app;
}

describe('Collection editor: creating', () => {
  it('asks for a name first, then sends the products, the shared look and the sections', async () => {
    const { calls } = api({ 'POST /api/v1/collections': () => json(collectionFixture(), 201) });
    const { user, router } = await openEditor();

    await user.click(screen.getByRole('button', { name: 'Create collection' }));
    expect(screen.getByLabelText('Name')).toHaveAccessibleDescription('Give the collection a name.');
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    await fill(user, screen.getByLabelText('Name'), 'Autumn living room');
    expect(screen.getByLabelText('Name')).not.toHaveAccessibleDescription(/name/);

    // A product without a photo cannot be picked, and says why.
    const picker = within(screen.getByRole('list', { name: 'Products to add' }));
    const bare = picker.getByRole('checkbox', { name: 'Bare stool' });
    expect(bare).toBeDisabled();
    expect(bare).toHaveAccessibleDescription(/No photo yet, so it can't be generated/);
    await user.click(picker.getByRole('checkbox', { name: 'Oak armchair' }));
    await user.click(picker.getByRole('checkbox', { name: 'Linen sofa' }));
    const chosen = within(screen.getByRole('list', { name: 'Chosen products' }));
    expect(chosen.getAllByRole('listitem')).toHaveLength(2);
    expect(screen.getByRole('heading', { name: '2 products chosen' })).toBeInTheDocument();

    // The shared look, with the Studio's controls.
    const look = within(screen.getByRole('heading', { name: 'Shared look' }).closest('section') as HTMLElement);
    await user.click(within(look.getByRole('group', { name: 'Scene type' })).getByRole('radio', { name: 'Living room' }));
    await user.click(within(look.getByRole('group', { name: 'Style' })).getByRole('button', { name: 'Scandinavian' }));
    await user.click(within(look.getByRole('group', { name: 'Aspect ratio' })).getByRole('radio', { name: '4:5' }));
    expect(look.queryByRole('combobox', { name: 'Provider' })).not.toBeInTheDocument();
    expect(look.queryByRole('group', { name: 'Images' })).not.toBeInTheDocument();

    // A section for the outdoor pieces, with its own lighting.
    await user.click(screen.getByRole('button', { name: 'Add a section' }));
    const section = within(screen.getByRole('region', { name: 'Section: Section 1' }));
    await fill(user, section.getByLabelText('Section name'), 'Garden pieces');
    const garden = within(screen.getByRole('region', { name: 'Section: Garden pieces' }));
    await user.click(within(garden.getByRole('group', { name: 'Categories' })).getByRole('checkbox', { name: 'Outdoor' }));
    await user.click(within(garden.getByRole('group', { name: 'Lighting' })).getByRole('button', { name: 'Golden hour' }));
    // What the shared look sets shows where the section sets nothing.
    expect(within(garden.getByRole('group', { name: 'Style' })).getByText(/default: Scandinavian/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Create collection' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/studio/collections/col-1'), { timeout: 5000 });
    const posts = calls.filter((c) => c.method === 'POST' && path(c) === '/api/v1/collections');
    expect(posts).toHaveLength(1);
    expect(await posts[0]?.json()).toEqual({
      name: 'Autumn living room',
      description: '',
      settings: { scene_type: 'living_room', aspect_ratio: '4:5', bubbles: [{ type: 'style', preset: 'Scandinavian' }] },
      sections: [{ name: 'Garden pieces', category_ids: ['cat-outdoor'], scene_types: [], settings: { bubbles: [{ type: 'lighting', preset: 'Golden hour' }] } }],
      product_ids: ['prod-1', 'prod-2'],
    });
  }, 60_000);

  it("shows the API's refusals next to the fields they are about", async () => {
    api({
      'POST /api/v1/collections': () =>
        problem(422, {
          code: 'invalid_generation_settings',
          detail: 'sections[0].settings.bubbles[0].value: must be at most 300 characters',
          errors: [
            { field: 'sections[0].settings.bubbles[0].value', message: 'must be at most 300 characters', type: 'value_error' },
            { field: 'settings.aspect_ratio', message: 'must be at most 10 characters', type: 'value_error' },
          ],
        }),
    });
    const { user } = await openEditor();
    await fill(user, screen.getByLabelText('Name'), 'Too long');
    await user.click(screen.getByRole('button', { name: 'Add a section' }));
    const section = within(screen.getByRole('region', { name: 'Section: Section 1' }));
    await user.click(within(section.getByRole('group', { name: 'Mood' })).getByRole('button', { name: 'Calm' }));
    await user.click(screen.getByRole('button', { name: 'Create collection' }));

    const mood = section.getByRole('group', { name: 'Mood' });
    await waitFor(() => expect(mood).toHaveAccessibleDescription(/must be at most 300 characters/), { timeout: 5000 });
    const look = within(screen.getByRole('heading', { name: 'Shared look' }).closest('section') as HTMLElement);
    expect(look.getByRole('group', { name: 'Aspect ratio' })).toHaveAccessibleDescription('must be at most 10 characters');
    expect(screen.getByText('Fix the highlighted fields to save.')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  }, 30_000);
});

describe('Collection editor: changing one', () => {
  it('starts from the saved collection and keeps what it does not show', async () => {
    const saved = collectionFixture({ settings: { ...collectionFixture().settings, resolution: '1080p' } });
    const { calls } = api({
      'GET /api/v1/collections/col-1': () => json(saved),
      'PATCH /api/v1/collections/col-1': async (request) => json({ ...saved, ...((await request.json()) as object) }),
    });
    const { user, router } = await openEditor('/studio/collections/col-1/edit', 'Edit Autumn living room');
    expect(screen.getByLabelText('Name')).toHaveValue('Autumn living room');
    const chosen = within(screen.getByRole('list', { name: 'Chosen products' }));
    expect(await chosen.findByText('Linen sofa', {}, { timeout: 5000 })).toBeInTheDocument();
    const look = within(screen.getByRole('heading', { name: 'Shared look' }).closest('section') as HTMLElement);
    expect(within(look.getByRole('group', { name: 'Aspect ratio' })).getByRole('radio', { name: '4:5' })).toBeChecked();
    expect(within(look.getByRole('group', { name: 'Style' })).getByRole('button', { name: 'Scandinavian' })).toHaveAttribute('aria-pressed', 'true');

    // Drop the sofa, go back to each product's own format, rename.
    await user.click(chosen.getByRole('button', { name: 'Remove Linen sofa' }));
    await user.click(look.getByRole('button', { name: "Use each product's own" }));
    await fill(user, screen.getByLabelText('Name'), 'Autumn, armchairs');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    await waitFor(() => expect(router.state.location.pathname).toBe('/studio/collections/col-1'), { timeout: 5000 });
    const patch = calls.find((c) => c.method === 'PATCH');
    expect(await patch?.json()).toEqual({
      name: 'Autumn, armchairs',
      description: 'For the autumn catalog.',
      settings: {
        resolution: '1080p',
        scene_type: 'living_room',
        bubbles: [
          { type: 'style', preset: 'Scandinavian' },
          { type: 'color_palette', preset: 'Terracotta' },
        ],
      },
      sections: [{ name: 'Garden pieces', category_ids: ['cat-outdoor'], scene_types: [], settings: { bubbles: [{ type: 'lighting', preset: 'Golden hour' }] } }],
      product_ids: ['prod-1'],
    });
  }, 30_000);
});
