import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { type Handler, json, makeMe, mockApi, problem } from '@/test/api';
import { balance, noNotifications } from '@/test/credits';
import { renderApp } from '@/test/render';
import { assetFixture, costTable, generationFixture, generationOptions, itemFixture, noAssets, studioProduct } from '@/test/studio';

/** Everything a signed-in page asks for, plus the Studio's own reads; `handlers` override. */
function api(handlers: Record<string, Handler> = {}, available = 42) {
  return mockApi({
    'GET /api/v1/me': () => json(makeMe()),
    'GET /api/v1/credits/balance': () => json(balance({ available })),
    'GET /api/v1/notifications': () => json(noNotifications),
    'GET /api/v1/products/prod-1': () => json(studioProduct()),
    'GET /api/v1/generation/options': () => json(generationOptions()),
    'GET /api/v1/credits/costs': () => json(costTable()),
    'GET /api/v1/assets': () => json(noAssets),
    ...handlers,
  });
}

const path = (request: Request) => new URL(request.url).pathname;

async function openStudio() {
  const app = renderApp('/studio?product=prod-1');
  await screen.findByRole('heading', { name: 'Studio: Oak armchair' }, { timeout: 5000 });
  const side = within(await screen.findByRole('complementary', { name: 'Generate' }, { timeout: 5000 }));
  await side.findByText(/This will use/, {}, { timeout: 5000 });
  return { ...app, side };
}

describe('Studio: the cost line', () => {
  it('prices the choices from the cost table before Generate, 4K at 2 credits an image', async () => {
    api();
    const { user, side } = await openStudio();
    expect(side.getByText(/This will use/)).toHaveTextContent('This will use 1 credit — you have 42');
    expect(side.getByRole('button', { name: 'Generate 1 image' })).toBeEnabled();

    const quality = within(screen.getByRole('group', { name: 'Quality' }));
    expect(quality.getByRole('radio', { name: /4K.*2 credits each/ })).toBeInTheDocument();
    await user.click(quality.getByRole('radio', { name: /4K/ }));
    expect(side.getByText(/This will use/)).toHaveTextContent('This will use 2 credits — you have 42');

    await user.click(within(screen.getByRole('group', { name: 'Images' })).getByRole('radio', { name: '4' }));
    expect(side.getByText(/This will use/)).toHaveTextContent('This will use 8 credits — you have 42');
    expect(side.getByRole('button', { name: 'Generate 4 images' })).toHaveAccessibleDescription(/8 credits/);

    await user.click(quality.getByRole('radio', { name: /2K/ }));
    expect(side.getByText(/This will use/)).toHaveTextContent('This will use 4 credits');
  }, 30_000);

  it('says when the balance is short, links to billing and holds Generate back', async () => {
    api({}, 3);
    const { user, side } = await openStudio();
    await user.click(within(screen.getByRole('group', { name: 'Images' })).getByRole('radio', { name: '4' }));
    await user.click(within(screen.getByRole('group', { name: 'Quality' })).getByRole('radio', { name: /4K/ }));
    expect(side.getByText(/This needs/).closest('.cost-line')).toHaveTextContent('This needs 8 credits — you have 3.');
    expect(side.getByRole('link', { name: 'Buy credits' })).toHaveAttribute('href', '/billing');
    expect(side.getByRole('link', { name: 'change plan' })).toHaveAttribute('href', '/billing');
    expect(side.getByRole('button', { name: 'Generate 4 images' })).toBeDisabled();
  }, 30_000);
});

describe('Studio: generating', () => {
  it('turns a 402 into a buy-credits prompt with links, not a raw error', async () => {
    api({
      'POST /api/v1/generations': () =>
        problem(402, {
          code: 'insufficient_credits',
          detail: 'This needs 1 credits and 0 are available. Buy credits or change your plan.',
          required: 1,
          available: 0,
        }),
    });
    const { user, side } = await openStudio();
    await user.click(side.getByRole('button', { name: 'Generate 1 image' }));
    const prompt = (await side.findByText("You're out of credits — buy credits or change plan", {}, { timeout: 5000 })).closest('.alert') as HTMLElement;
    expect(prompt).toHaveTextContent('This needs 1 credit and you have 0. Nothing was charged.');
    expect(within(prompt).getByRole('link', { name: 'Buy credits' })).toHaveAttribute('href', '/billing');
    expect(within(prompt).getByRole('link', { name: 'Change plan' })).toHaveAttribute('href', '/billing');
    expect(side.queryByText(/Payment required|insufficient_credits/)).not.toBeInTheDocument();
  }, 30_000);

  it('shows a 422 next to the control it is about', async () => {
    api({
      'POST /api/v1/generations': () =>
        problem(422, {
          code: 'unsupported_option',
          detail: "Aspect ratio '21:9' is not supported",
          errors: [{ field: 'aspect_ratio', message: "Aspect ratio '21:9' is not supported", type: 'unsupported_option' }],
        }),
    });
    const { user, side } = await openStudio();
    const ratios = screen.getByRole('group', { name: 'Aspect ratio' });
    await user.click(within(ratios).getByRole('radio', { name: '21:9' }));
    await user.click(side.getByRole('button', { name: 'Generate 1 image' }));
    await waitFor(() => expect(ratios).toHaveAccessibleDescription("Aspect ratio '21:9' is not supported"), { timeout: 5000 });
    expect(side.queryByRole('alert')).not.toBeInTheDocument();
    // Changing the choice clears the answer about the old one.
    await user.click(within(ratios).getByRole('radio', { name: '16:9' }));
    expect(ratios).not.toHaveAccessibleDescription(/not supported/);
  }, 30_000);

  it('sends the choices once per click with an Idempotency-Key, then shows each image arrive', async () => {
    const started = generationFixture([itemFixture(0), itemFixture(1)]);
    const reads = [
      generationFixture([itemFixture(0, { status: 'succeeded', asset_id: 'asset-1' }), itemFixture(1, { status: 'running' })], {
        status: 'running',
      }),
      generationFixture(
        [
          itemFixture(0, { status: 'succeeded', asset_id: 'asset-1' }),
          itemFixture(1, { status: 'failed', error_code: 'content_rejected', error_message: 'The provider refused this scene.' }),
        ],
        { status: 'succeeded' },
      ),
    ];
    let finish = false;
    let delivered = false;
    const { calls } = api({
      'POST /api/v1/generations': () => json(started, 202),
      'GET /api/v1/generations/job-1': () => {
        delivered = true;
        return json(finish ? reads[1] : reads[0]);
      },
      'GET /api/v1/assets/asset-1': () => json(assetFixture('asset-1')),
      'GET /api/v1/assets': () => json(delivered ? { items: [assetFixture('asset-1')], next_cursor: null } : noAssets),
    });
    const { user, side, router } = await openStudio();

    await user.click(within(screen.getByRole('group', { name: 'Style' })).getByRole('button', { name: 'Scandinavian' }));
    await user.click(within(screen.getByRole('group', { name: 'Color palette' })).getByRole('button', { name: 'Sage green' }));
    await user.click(within(screen.getByRole('group', { name: 'Color palette' })).getByRole('button', { name: 'Terracotta' }));
    await user.click(within(screen.getByRole('group', { name: 'Scene type' })).getByRole('radio', { name: 'Living room' }));
    await user.click(screen.getByRole('button', { name: 'Use photo 2 as a reference' }));
    await user.click(within(screen.getByRole('group', { name: 'Images' })).getByRole('radio', { name: '2' }));
    await user.type(screen.getByLabelText('Prompt'), 'late afternoon');
    expect(screen.getByText('14 / 1000 characters')).toBeInTheDocument();

    const generate = side.getByRole('button', { name: 'Generate 2 images' });
    fireEvent.click(generate);
    fireEvent.click(generate);
    await waitFor(() => expect(router.state.location.search).toContain('job=job-1'), { timeout: 5000 });
    const posts = calls.filter((c) => c.method === 'POST' && path(c) === '/api/v1/generations');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.headers.get('Idempotency-Key')).toMatch(/.{16,}/);
    expect(await posts[0]?.json()).toEqual({
      product_ids: ['prod-1'],
      variants: 2,
      provider: 'local',
      settings: {
        scene_type: 'living_room',
        aspect_ratio: '1:1',
        quality: '1k',
        bubbles: [
          { type: 'style', preset: 'Scandinavian' },
          { type: 'color_palette', preset: 'Sage green' },
          { type: 'color_palette', preset: 'Terracotta' },
        ],
        prompt: 'late afternoon',
        base_image_id: 'img-1',
        reference_image_ids: ['img-2'],
      },
    });

    const progress = within(await screen.findByRole('region', { name: 'Generation progress' }, { timeout: 5000 }));
    const tiles = progress.getByRole('list', { name: 'Images in this generation' });
    // The first read: one image ready, the other still being made.
    expect(await within(tiles).findByRole('img', { name: 'Generated image 1' }, { timeout: 5000 })).toHaveAttribute('src', 'http://localhost/files/asset-1/preview.webp');
    expect(within(tiles).getByRole('listitem', { name: 'Image 2 of 2: generating' })).toHaveTextContent('Generating…');

    // A later read (polled every second): the second failed, in words, and it is not charged.
    finish = true;
    const failed = await within(tiles).findByRole('listitem', { name: 'Image 2 of 2: failed' }, { timeout: 5000 });
    expect(failed).toHaveTextContent('The provider refused this scene.');
    expect(failed).toHaveTextContent('Not charged');
    expect(progress.getByText(/1 image ready · 1 credit used · 1 failed, 1 credit returned/)).toBeInTheDocument();

    // The delivered image is in the product's results.
    const results = await screen.findByRole('list', { name: 'Results' }, { timeout: 5000 });
    expect(within(results).getAllByRole('button', { name: /Open .*image/ })).toHaveLength(1);
  }, 30_000);
});
