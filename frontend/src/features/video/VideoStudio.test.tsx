import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { fakeLibrary, libraryAsset } from '@/features/assets/testing';
import { type Handler, json, makeMe, mockApi, problem } from '@/test/api';
import { balance, noNotifications } from '@/test/credits';
import { renderApp } from '@/test/render';
import { costTable, generationFixture, generationOptions, itemFixture, noAssets, studioProduct } from '@/test/studio';
import { fakeMediaPlayback, veoProviderFixture, videoAssetFixture, videoOptions, videoProviderFixture } from '@/test/video';

const T = { timeout: 5000 };

let media: ReturnType<typeof fakeMediaPlayback>;
beforeEach(() => {
  media = fakeMediaPlayback(6);
});
afterEach(() => media.restore());

/** Everything a signed-in page asks for, the Studio's reads, two video providers (local and Veo); `handlers` override. */
function api(handlers: Record<string, Handler> = {}, available = 42) {
  return mockApi({
    'GET /api/v1/me': () => json(makeMe()),
    'GET /api/v1/credits/balance': () => json(balance({ available })),
    'GET /api/v1/notifications': () => json(noNotifications),
    'GET /api/v1/products/prod-1': () => json(studioProduct()),
    'GET /api/v1/products': () => json({ items: [studioProduct()], next_cursor: null }),
    'GET /api/v1/generation/options': () =>
      json(generationOptions({ video: videoOptions({ providers: [videoProviderFixture(), veoProviderFixture()] }) })),
    'GET /api/v1/credits/costs': () => json(costTable()),
    'GET /api/v1/assets': () => json(noAssets),
    ...handlers,
  });
}

async function openVideoStudio(path = '/studio/video?product=prod-1') {
  const app = renderApp(path);
  const side = within(await screen.findByRole('complementary', { name: 'Generate' }, T));
  await side.findByText(/This will use|This needs/, {}, T);
  return { ...app, side };
}

describe('Video Studio: the choices and their cost', () => {
  it('is a tab of the Studio, prices clips by resolution and greys out what a provider cannot make', async () => {
    api();
    const { user, side } = await openVideoStudio();
    expect(screen.getByRole('navigation', { name: 'Studio' })).toContainElement(screen.getByRole('link', { name: 'Video' }));
    expect(screen.getByRole('link', { name: 'Video' })).toHaveAttribute('aria-current', 'page');
    expect(side.getByText(/This will use/)).toHaveTextContent('This will use 5 credits — you have 42');
    expect(side.getByRole('button', { name: 'Generate 1 clip' })).toBeEnabled();

    // The still: the product's primary photo; every motion preview moves it.
    expect(await screen.findByText('Oak armchair', { selector: '.source-product-name' }, T)).toBeInTheDocument();
    const motions = within(screen.getByRole('group', { name: 'Camera motion' }));
    expect(motions.getAllByRole('radio')).toHaveLength(5);
    expect(motions.getByRole('radio', { name: /Push in.*Slowly closer/ })).toBeChecked();
    await waitFor(() => expect(document.querySelectorAll('.motion-preview img')[0]).toHaveAttribute('src', 'http://localhost/files/img-1/preview.webp'), T);
    await user.click(motions.getByRole('radio', { name: /Pan/ }));
    expect(side.getByText(/Pan/, { selector: 'strong' })).toBeInTheDocument();

    await user.click(within(screen.getByRole('group', { name: 'Resolution' })).getByRole('radio', { name: /1080p.*8 credits a clip/ }));
    expect(side.getByText(/This will use/)).toHaveTextContent('This will use 8 credits — you have 42');
    await user.click(within(screen.getByRole('group', { name: 'Clips' })).getByRole('radio', { name: '2' }));
    expect(side.getByText(/This will use/)).toHaveTextContent('This will use 16 credits — you have 42');
    expect(side.getByRole('button', { name: 'Generate 2 clips' })).toHaveAccessibleDescription(/16 credits/);

    // Veo makes 1080p at 8 s only: the 6 s chosen is refused before anything is sent, other lengths are greyed out.
    await user.selectOptions(screen.getByRole('combobox', { name: 'Provider' }), 'gemini');
    const length = within(screen.getByRole('group', { name: 'Length' }));
    expect(length.getByRole('radio', { name: /^3 s/ })).toBeDisabled();
    expect(screen.getByText('Google Gemini makes 1080p clips of 8 s, not 6 s.')).toBeInTheDocument();
    expect(side.getByRole('button', { name: 'Generate 2 clips' })).toBeDisabled();
    expect(side.getByText('Fix the highlighted settings to generate.')).toBeInTheDocument();
    await user.click(length.getByRole('radio', { name: /^8 s/ }));
    expect(side.getByRole('button', { name: 'Generate 2 clips' })).toBeEnabled();
    expect(within(screen.getByRole('group', { name: 'Aspect ratio' })).getByRole('radio', { name: /1:1/ })).toBeDisabled();
  }, 30_000);

  it('says when the balance is short and holds Generate back', async () => {
    api({}, 3);
    const { side } = await openVideoStudio();
    expect(side.getByText(/This needs/).closest('.cost-line')).toHaveTextContent('This needs 5 credits — you have 3.');
    expect(side.getByRole('link', { name: 'Buy credits' })).toHaveAttribute('href', '/billing');
    expect(side.getByRole('button', { name: 'Generate 1 clip' })).toBeDisabled();
  }, 30_000);

  it('asks for a source first, and takes an image from the assets', async () => {
    const { calls } = api({
      'GET /api/v1/assets': (request) =>
        json(new URL(request.url).searchParams.get('type') === 'image' ? { items: [libraryAsset('a-1')], next_cursor: null } : noAssets),
      'GET /api/v1/assets/a-1': () => json(libraryAsset('a-1')),
      'POST /api/v1/generations': () => json(generationFixture([itemFixture(0, { credits: 5 })], { id: 'job-v', kind: 'video' }), 202),
      'GET /api/v1/generations/job-v': () => json(generationFixture([itemFixture(0, { credits: 5, status: 'running' })], { id: 'job-v', kind: 'video', status: 'running' })),
    });
    const { user, side, router } = await openVideoStudio('/studio/video');
    expect(side.getByRole('button', { name: 'Generate 1 clip' })).toBeDisabled();
    expect(side.getByText('Choose the product whose photo to animate.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'An image from your assets' }));
    expect(side.getByText('Choose the image to animate.')).toBeInTheDocument();
    await user.click(await screen.findByRole('radio', { name: /Living room image from/ }, T));
    expect(router.state.location.search).toBe('?asset=a-1');
    await user.click(side.getByRole('button', { name: 'Generate 1 clip' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && new URL(c.url).pathname === '/api/v1/generations')).toBe(true), T);
    const post = calls.find((c) => c.method === 'POST' && new URL(c.url).pathname === '/api/v1/generations') as Request;
    const body = (await post.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ type: 'video', source_asset_id: 'a-1', settings: { resolution: '720p', duration_s: 6, fps: 24, camera_motion: 'push_in', aspect_ratio: '16:9' } });
    expect(body).not.toHaveProperty('product_ids');
    expect(await screen.findByText('Waiting to start 1 clip…', {}, T)).toBeInTheDocument();
  }, 30_000);
});

describe('Video Studio: generating', () => {
  it('sends the clip request once with an Idempotency-Key, shows progress, then opens the clip to play', async () => {
    let reads = 0;
    const { calls } = api({
      'POST /api/v1/generations': () => json(generationFixture([itemFixture(0, { credits: 5 })], { id: 'job-v', kind: 'video' }), 202),
      'GET /api/v1/generations/job-v': () => {
        reads += 1;
        const status = reads < 2 ? 'running' : 'succeeded';
        return json(
          generationFixture([itemFixture(0, { credits: 5, status, asset_id: status === 'succeeded' ? 'v-1' : null })], {
            id: 'job-v',
            kind: 'video',
            status,
          }),
        );
      },
      'GET /api/v1/assets/v-1': () => json(videoAssetFixture('v-1')),
      'GET /api/v1/assets/v-1/revisions': () => json({ root_id: 'v-1', items: [videoAssetFixture('v-1')] }),
    });
    const { user, side, router } = await openVideoStudio();
    await user.click(within(screen.getByRole('group', { name: 'Length' })).getByRole('radio', { name: /^3 s/ }));
    await user.click(side.getByRole('button', { name: 'Generate 1 clip' }));

    const progress = await screen.findByRole('region', { name: 'Generation progress' }, T);
    expect(await within(progress).findByText('1 clip ready · 5 credits used', {}, { timeout: 8000 })).toBeInTheDocument();
    const posts = calls.filter((c) => c.method === 'POST' && new URL(c.url).pathname === '/api/v1/generations');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.headers.get('Idempotency-Key')).toMatch(/.{16,}/);
    expect(await posts[0]?.json()).toEqual({
      type: 'video',
      variants: 1,
      provider: 'local',
      product_ids: ['prod-1'],
      settings: { aspect_ratio: '16:9', resolution: '720p', duration_s: 3, fps: 24, camera_motion: 'push_in', prompt: null, base_image_id: null },
    });

    // The delivered clip opens below, ready to play and edit.
    const clip = screen.getByRole('region', { name: 'Clip' });
    const player = await within(clip).findByRole('group', { name: /^Video player: / }, T);
    expect(router.state.location.search).toContain('clip=v-1');
    expect(within(clip).getByText('6 s · 1280 × 720 · 24 fps · H.264 · no sound')).toBeInTheDocument();
    await user.click(within(player).getByRole('button', { name: 'Play' }));
    expect(media.play).toHaveBeenCalled();
    expect(within(clip).getByRole('group', { name: 'Video edits' })).toBeInTheDocument();
  }, 30_000);

  it('turns a 402 into the buy-credits prompt and a 422 into a message at its control', async () => {
    let answer = problem(402, { code: 'insufficient_credits', detail: 'This needs 5 credits and 4 are available.', required: 5, available: 4 });
    api({ 'POST /api/v1/generations': () => answer.clone() });
    const { user, side } = await openVideoStudio();
    await user.click(side.getByRole('button', { name: 'Generate 1 clip' }));
    const prompt = (await side.findByText("You're out of credits — buy credits or change plan", {}, T)).closest('.alert') as HTMLElement;
    expect(prompt).toHaveTextContent('This needs 5 credits and you have 4. Nothing was charged.');

    answer = problem(422, { code: 'unsupported_option', detail: 'local cannot make this.', errors: [{ field: 'settings.duration_s', message: 'local makes 720p clips of 3 s, not 6 s.' }] });
    await user.click(side.getByRole('button', { name: 'Generate 1 clip' }));
    const length = screen.getByRole('group', { name: 'Length' });
    expect(await within(length).findByText('local makes 720p clips of 3 s, not 6 s.', {}, T)).toBeInTheDocument();
  }, 30_000);
});

describe('Assets page: videos', () => {
  it('filters to videos, marks each with its length, and plays one in the preview', async () => {
    const library = fakeLibrary([libraryAsset('a-1'), videoAssetFixture('v-1', { created_at: '2026-11-27T09:30:00Z' })]);
    const { calls } = mockApi({
      ...library.handlers,
      'GET /api/v1/me': () => json(makeMe()),
      'GET /api/v1/credits/balance': () => json(balance()),
      'GET /api/v1/notifications': () => json(noNotifications),
      'GET /api/v1/generation/options': () => json(generationOptions()),
      'GET /api/v1/products': () => json({ items: [studioProduct()], next_cursor: null }),
      'GET /api/v1/products/prod-1': () => json(studioProduct()),
      'GET /api/v1/collections': () => json({ items: [], next_cursor: null }),
      'GET /api/v1/stores': () => json({ items: [] }),
    });
    const { user } = renderApp('/assets');
    const grid = await screen.findByRole('list', { name: 'Assets' }, T);
    await waitFor(() => expect(within(grid).getAllByRole('listitem')).toHaveLength(2), T);
    const videoCard = within(grid).getByRole('button', { name: /Studio video from/ });
    expect(videoCard).toHaveTextContent('0:06');

    await user.selectOptions(screen.getByRole('combobox', { name: 'Type' }), 'Videos');
    expect(calls.some((c) => new URL(c.url).searchParams.get('type') === 'video')).toBe(true);
    // The filtered list is a new grid.
    await waitFor(() => expect(within(screen.getByRole('list', { name: 'Assets' })).getAllByRole('listitem')).toHaveLength(1), T);
    const videos = screen.getByRole('list', { name: 'Assets' });
    await user.click(within(videos).getByRole('button', { name: /Studio video from/ }));
    const preview = await screen.findByRole('dialog', {}, T);
    const player = await within(preview).findByRole('group', { name: /^Video player: / }, T);
    await user.click(within(player).getByRole('button', { name: 'Play' }));
    expect(media.play).toHaveBeenCalled();
    // The player's keys stay the player's: → seeks the clip instead of moving to the next asset.
    player.focus();
    await user.keyboard('{ArrowRight}');
    expect((player.querySelector('video') as HTMLVideoElement).currentTime).toBe(1);
    expect(within(preview).getByRole('group', { name: 'Video edits' })).toBeInTheDocument();
    expect(within(preview).queryByRole('button', { name: /Compare to/ })).not.toBeInTheDocument();
  }, 30_000);
});
