import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { json, makeMe, mockApi, problem } from '@/test/api';
import { costTable } from '@/test/billing';
import { balance, noNotifications } from '@/test/credits';
import { renderApp } from '@/test/render';
import { jobFixture } from '@/test/stores';
import { generationOptions, studioProduct } from '@/test/studio';

import { editOptions, fakeLibrary, libraryAsset, page } from './testing';

const T = { timeout: 5000 };
type Body = { operation: string; params: Record<string, unknown> };

/** The API with one 1024 x 1024 asset; edits make revisions the way the server does (a new asset, its parent set). */
function api(extra: Parameters<typeof mockApi>[0] = {}) {
  const library = fakeLibrary([libraryAsset('a-1')]);
  let made = 0;
  const edit = (parentId: string) => async (request: Request) => {
    const body = (await request.json()) as Body;
    const parent = library.assets.get(parentId) as Record<string, number>;
    made += 1;
    const size =
      body.operation === 'crop'
        ? { width: body.params.width, height: body.params.height }
        : body.operation === 'rotate' && body.params.degrees !== 180
          ? { width: parent.height, height: parent.width }
          : body.operation === 'resize'
            ? { width: body.params.width, height: body.params.width }
            : { width: parent.width, height: parent.height };
    const revision = libraryAsset(`r-${made}`, { ...size, parent_id: parentId, parent_asset_id: parentId, edit: body, provider: 'editor', credits_charged: 0 });
    library.add(revision);
    library.handlers[`POST /api/v1/assets/r-${made}/edits`] = edit(`r-${made}`);
    return json(revision, 201);
  };
  library.handlers['POST /api/v1/assets/a-1/edits'] = edit('a-1');
  // One table: revisions added later are reached like the rest.
  const handlers = Object.assign(library.handlers, {
    'GET /api/v1/me': () => json(makeMe()),
    'GET /api/v1/credits/balance': () => json(balance({ available: 1 })),
    'GET /api/v1/credits/costs': () => json(costTable),
    'GET /api/v1/notifications': () => json(noNotifications),
    'GET /api/v1/generation/options': () => json(generationOptions()),
    'GET /api/v1/products': () => json(page([studioProduct()])),
    'GET /api/v1/products/prod-1': () => json(studioProduct()),
    'GET /api/v1/collections': () => json(page([])),
    'GET /api/v1/stores': () => json({ items: [] }),
    'GET /api/v1/assets/edit-options': () => json(editOptions),
    ...extra,
  });
  const mock = mockApi(handlers);
  return { ...mock, library };
}

async function openEditor() {
  const rendered = renderApp('/assets');
  const grid = await screen.findByRole('list', { name: 'Assets' }, T);
  await rendered.user.click((await within(grid).findAllByRole('button', { name: /^Open / }, T))[0]);
  const preview = await screen.findByRole('dialog', { name: 'Oak armchair' }, T);
  await rendered.user.click(await within(preview).findByRole('button', { name: 'Edit' }, T));
  const editor = await screen.findByRole('dialog', { name: 'Edit image' }, T);
  return { ...rendered, editor: within(editor) };
}

const edits = async (calls: Request[]) =>
  Promise.all(
    calls
      .filter((c) => c.method === 'POST' && new URL(c.url).pathname.endsWith('/edits'))
      .map(async (c) => [new URL(c.url).pathname, await c.json()] as [string, Body]),
  );

describe('Editor', () => {
  it('crops to an aspect preset, saves it as a revision and shows it after', async () => {
    const { calls } = api();
    const { user, editor } = await openEditor();
    expect(editor.getByText('1024 × 1024 · Original')).toBeInTheDocument();
    expect(editor.getByRole('button', { name: 'Apply crop' })).toBeDisabled();

    await user.click(editor.getByRole('group', { name: 'Aspect ratio' }).querySelector('button:nth-child(3)') as HTMLElement);
    expect(editor.getByRole('button', { name: '4:5' })).toHaveAttribute('aria-pressed', 'true');
    expect(editor.getByLabelText('Width')).toHaveValue(819);
    expect(editor.getByLabelText('Left')).toHaveValue(102);
    expect(editor.getByText('Keeps 819 × 1024 of 1024 × 1024 pixels.')).toBeInTheDocument();
    await user.click(editor.getByRole('button', { name: 'Apply crop' }));

    expect(await editor.findByText('Saved as a new revision: Crop 819 × 1024. The original is unchanged.', {}, T)).toBeInTheDocument();
    expect(await edits(calls)).toEqual([['/api/v1/assets/a-1/edits', { operation: 'crop', params: { x: 102, y: 0, width: 819, height: 1024 } }]]);
    const strip = editor.getByRole('region', { name: 'Revisions' });
    await waitFor(() => expect(within(strip).getByRole('button', { current: true })).toHaveTextContent('Crop 819 × 1024'), T);

    // Closing shows the new revision in the preview, after its original.
    await user.click(editor.getByRole('button', { name: 'Done' }));
    const preview = within(await screen.findByRole('dialog', { name: 'Oak armchair' }, T));
    const history = await preview.findByRole('region', { name: 'Revision history' }, T);
    expect(within(history).getByRole('button', { current: true })).toHaveTextContent('Crop 819 × 1024');
    expect(within(history).getAllByRole('button')[0]).toHaveTextContent('Original');
  }, 30_000);

  it('refuses a crop outside the image before sending it', async () => {
    const { calls } = api();
    const { user, editor } = await openEditor();
    const width = editor.getByLabelText('Width');
    await user.clear(width);
    await user.type(width, '2000');
    expect(editor.getByRole('alert')).toHaveTextContent('The crop reaches outside the 1024 × 1024 image.');
    expect(editor.getByRole('button', { name: 'Apply crop' })).toBeDisabled();
    expect(await edits(calls)).toEqual([]);
  }, 30_000);

  it('turns and mirrors, applied as a rotation and then a flip of its result', async () => {
    const { calls } = api();
    const { user, editor } = await openEditor();
    await user.click(editor.getByRole('button', { name: /Rotate & flip/ }));
    await user.click(editor.getByRole('button', { name: 'Rotate right' }));
    await user.click(editor.getByRole('button', { name: 'Flip horizontal' }));
    expect(editor.getByText(/Saved as two revisions \(a rotation, then a flip\)/)).toBeInTheDocument();
    await user.click(editor.getByRole('button', { name: 'Apply rotation' }));
    expect(await editor.findByText('Saved as a new revision: Flip horizontally. The original is unchanged.', {}, T)).toBeInTheDocument();
    expect(await edits(calls)).toEqual([
      ['/api/v1/assets/a-1/edits', { operation: 'rotate', params: { degrees: 90 } }],
      ['/api/v1/assets/r-1/edits', { operation: 'flip', params: { direction: 'horizontal' } }],
    ]);
  }, 30_000);

  it('resizes only smaller, and applies adjustments with only the values that change something', async () => {
    const { calls } = api();
    const { user, editor } = await openEditor();
    await user.click(editor.getByRole('button', { name: /Resize/ }));
    await user.type(editor.getByLabelText('Width'), '2000');
    expect(editor.getByRole('alert')).toHaveTextContent('resizing only makes it smaller (use Upscale)');
    expect(editor.getByRole('button', { name: 'Apply resize' })).toBeDisabled();
    await user.click(editor.getByRole('button', { name: '512 px' }));
    expect(editor.getByText('Result: 512 × 512.')).toBeInTheDocument();
    expect(editor.getByLabelText('Height')).toHaveValue(512);
    await user.click(editor.getByRole('button', { name: 'Apply resize' }));
    expect(await editor.findByText(/Saved as a new revision: Resize to 512 wide/, {}, T)).toBeInTheDocument();

    await user.click(editor.getByRole('button', { name: /Adjust/ }));
    const exposure = await editor.findByLabelText('Exposure value', {}, T);
    expect(editor.getByRole('slider', { name: /Exposure/ })).toHaveAttribute('max', '3');
    await user.clear(exposure);
    await user.type(exposure, '0.5');
    await user.clear(editor.getByLabelText('Warmth value'));
    await user.type(editor.getByLabelText('Warmth value'), '-0.3');
    await user.click(editor.getByRole('button', { name: 'Apply adjustments' }));
    expect(await editor.findByText('Saved as a new revision: Adjust: exposure +0.5, warmth −0.3. The original is unchanged.', {}, T)).toBeInTheDocument();
    expect((await edits(calls)).map(([, body]) => body)).toEqual([
      { operation: 'resize', params: { width: 512 } },
      { operation: 'adjust', params: { exposure: 0.5, warmth: -0.3 } },
    ]);
    // Applying starts over from the new revision: nothing left to apply.
    expect(editor.getByLabelText('Exposure value')).toHaveValue(0);
    expect(editor.getByRole('button', { name: 'Apply adjustments' })).toBeDisabled();
  }, 30_000);

  it('says what an AI operation costs and follows its job to the new revision', async () => {
    let reads = 0;
    const job = (overrides: Record<string, unknown>) => jobFixture({ id: 'job-e1', kind: 'upscale', params: { operation: 'upscale', asset_id: 'a-1' }, ...overrides });
    const { calls, library } = api({
      'POST /api/v1/assets/a-1/edits': async (request) => {
        const body = (await request.json()) as Body;
        if (body.operation === 'remove_background') return problem(402, { detail: 'You need 1 credit, you have 0. Buy credits or change your plan.', required: 1, available: 0 });
        return json({ job: job({}), source_asset_id: 'a-1', operation: body.operation, credits_held: 1 }, 202);
      },
      'GET /api/v1/jobs/job-e1': () => {
        reads += 1;
        if (reads === 1) return json(job({ status: 'running' }));
        library.add(libraryAsset('a-up', { width: 2048, height: 2048, parent_id: 'a-1', parent_asset_id: 'a-1', edit: { operation: 'upscale', params: { quality: '2k' } } }));
        return json(job({ status: 'succeeded', result: { asset_id: 'a-up' } }));
      },
    });
    const { user, editor } = await openEditor();
    await user.click(editor.getByRole('button', { name: /AI/ }));

    // An instruction is needed first.
    await user.click(await editor.findByRole('button', { name: /^Edit by instruction · 1 credit/ }, T));
    expect(editor.getByText('Say what to change.')).toBeInTheDocument();

    await user.click(editor.getByRole('radio', { name: /Upscale/ }));
    expect(editor.getByRole('radio', { name: /^4K/ })).toBeEnabled();
    expect(editor.getByText(/This will use/)).toHaveTextContent('This will use 1 credit — you have 1');
    await user.click(editor.getByRole('button', { name: 'Upscale · 1 credit' }));
    expect(await editor.findByText('Done · 1 credit used. The result is a new revision; the original is unchanged.', {}, { timeout: 10_000 })).toBeInTheDocument();
    expect(await editor.findByText('2048 × 2048 · Upscale to 2K', {}, T)).toBeInTheDocument();
    const sent = await edits(calls);
    expect(sent[0]).toEqual(['/api/v1/assets/a-1/edits', { operation: 'upscale', params: { quality: '2k' } }]);
    const key = calls.find((c) => c.method === 'POST' && new URL(c.url).pathname.endsWith('/edits'))?.headers.get('Idempotency-Key');
    expect(key).toBeTruthy();
  }, 30_000);

  it('turns a 402 into a buy-credits prompt and a failed job into its reason', async () => {
    const job = (overrides: Record<string, unknown>) => jobFixture({ id: 'job-e2', kind: 'edit', ...overrides });
    api({
      'POST /api/v1/assets/a-1/edits': async (request) => {
        const body = (await request.json()) as Body;
        if (body.operation === 'remove_background') return problem(402, { detail: 'You need 1 credit, you have 0. Buy credits or change your plan.', required: 1, available: 0 });
        return json({ job: job({}), source_asset_id: 'a-1', operation: body.operation, credits_held: 1 }, 202);
      },
      'GET /api/v1/jobs/job-e2': () => json(job({ status: 'failed', error: { code: 'instruction_not_supported', message: 'The built-in editor cannot do "add a cat".' } })),
    });
    const { user, editor } = await openEditor();
    await user.click(editor.getByRole('button', { name: /AI/ }));
    await user.click(await editor.findByRole('radio', { name: /Remove background/ }, T));
    await user.click(editor.getByRole('button', { name: 'Remove background · 1 credit' }));
    expect(await editor.findByText("You're out of credits — buy credits or change plan", {}, T)).toBeInTheDocument();

    await user.click(editor.getByRole('radio', { name: /Edit by instruction/ }));
    await user.type(editor.getByLabelText('What to change'), 'add a cat');
    await user.click(editor.getByRole('button', { name: 'Edit by instruction · 1 credit' }));
    expect(await editor.findByText(/The built-in editor cannot do "add a cat". Nothing was charged: the held credits were released./, {}, T)).toBeInTheDocument();
  }, 30_000);
});
