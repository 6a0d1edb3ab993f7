import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { AssetOut } from '@/client/types.gen';
import { createQueryClient } from '@/lib/queryClient';
import { type Handler, json, mockApi, problem } from '@/test/api';
import { jobFixture } from '@/test/stores';
import { fakeMediaPlayback, videoAssetFixture } from '@/test/video';

import { ReframeEditor } from './ReframeEditor';
import { TrimEditor } from './TrimEditor';
import { VideoAssetView } from './VideoAssetView';

const T = { timeout: 5000 };
type Body = { operation: string; params: Record<string, unknown> };

let media: ReturnType<typeof fakeMediaPlayback>;
beforeEach(() => {
  media = fakeMediaPlayback(6);
});
afterEach(() => media.restore());

const clip = (overrides: Record<string, unknown> = {}) => videoAssetFixture('v-1', overrides) as unknown as AssetOut;

function renderWithClient(ui: ReactNode) {
  const user = userEvent.setup();
  return { user, ...render(<QueryClientProvider client={createQueryClient()}>{ui}</QueryClientProvider>) };
}

/**
 * The edit endpoint as the API answers a video edit (202 with a free job on the video queue), and that job: running
 * on the first read, then done with the new revision `v-2`.
 */
function editApi(extra: Record<string, Handler> = {}) {
  const sent: Body[] = [];
  let reads = 0;
  const mock = mockApi({
    'POST /api/v1/assets/v-1/edits': async (request) => {
      sent.push((await request.json()) as Body);
      return json({ job: jobFixture({ id: 'job-e1', kind: 'edit', status: 'queued' }), source_asset_id: 'v-1', operation: sent.at(-1)?.operation, credits_held: 0 }, 202);
    },
    'GET /api/v1/jobs/job-e1': () => {
      reads += 1;
      return reads === 1
        ? json(jobFixture({ id: 'job-e1', kind: 'edit', status: 'running' }))
        : json(jobFixture({ id: 'job-e1', kind: 'edit', status: 'succeeded', result: { asset_id: 'v-2' } }));
    },
    'GET /api/v1/assets/v-2': () => json(videoAssetFixture('v-2', { parent_id: 'v-1', parent_asset_id: 'v-1', duration_ms: 2500 })),
    ...extra,
  });
  return { ...mock, sent };
}

describe('TrimEditor', () => {
  it('shows a filmstrip with two handles, keeps at least a second, previews the range, then trims into a new revision', async () => {
    const api = editApi();
    const delivered = vi.fn();
    const { user, container } = renderWithClient(<TrimEditor asset={clip()} label="Oak armchair clip" onDelivered={delivered} />);

    // jsdom cannot decode the clip: the poster stands in for every frame.
    const strip = screen.getByRole('group', { name: /Filmstrip/ });
    const thumbs = strip.querySelectorAll('img');
    expect(thumbs).toHaveLength(8);
    expect(thumbs[0]).toHaveAttribute('src', 'http://localhost/files/v-1/poster.webp');

    const start = within(strip).getByRole('slider', { name: 'Trim start' });
    const end = within(strip).getByRole('slider', { name: 'Trim end' });
    expect(start).toHaveAttribute('aria-valuenow', '0');
    expect(end).toHaveAttribute('aria-valuenow', '6');
    expect(screen.getByText('That is the whole clip: move a handle to cut something off.')).toBeInTheDocument();
    const apply = screen.getByRole('button', { name: /Apply trim/ });
    expect(apply).toBeDisabled();

    // Keyboard: Shift+→ moves a second, → one frame (1/24 s); the player shows the handle's frame.
    start.focus();
    await user.keyboard('{Shift>}{ArrowRight}{/Shift}');
    expect(start).toHaveAttribute('aria-valuenow', '1');
    expect(start).toHaveAttribute('aria-valuetext', '1 s');
    await user.keyboard('{ArrowRight}');
    expect(start).toHaveAttribute('aria-valuenow', '1.04');
    const video = container.querySelector('video') as HTMLVideoElement;
    expect(video.currentTime).toBeCloseTo(1 + 1 / 24);
    // The end handle cannot come closer than a second.
    end.focus();
    await user.keyboard('{Home}');
    expect(end).toHaveAttribute('aria-valuenow', '2.04');

    // The numbers: too short is refused before anything is sent.
    const startInput = screen.getByLabelText('Start (seconds)');
    const endInput = screen.getByLabelText('End (seconds)');
    await user.clear(startInput);
    await user.type(startInput, '1');
    await user.clear(endInput);
    await user.type(endInput, '1.5');
    expect(screen.getByRole('alert')).toHaveTextContent('Keep at least 1 s: the end must be at least 1 s after the start.');
    expect(apply).toBeDisabled();
    await user.clear(endInput);
    await user.type(endInput, '3.5');
    expect(screen.getByText('Keeps 2.5 s, from 1 s to 3.5 s, of 6 s.')).toBeInTheDocument();
    expect(end).toHaveAttribute('aria-valuenow', '3.5');

    // Preview plays only the chosen part, from its start.
    await user.click(screen.getByRole('button', { name: /Preview the selection/ }));
    expect(media.play).toHaveBeenCalled();
    expect(video.currentTime).toBe(1);

    await user.click(apply);
    await waitFor(() => expect(api.sent).toEqual([{ operation: 'trim', params: { start_s: 1, end_s: 3.5 } }]));
    expect(await screen.findByText(/Trimming the clip…|Waiting for the video worker…/, {}, T)).toBeInTheDocument();
    await waitFor(() => expect(delivered).toHaveBeenCalledWith('v-2'), T);
  });

  it('shows why the server refused a trim, and that the clip is unchanged', async () => {
    editApi({
      'POST /api/v1/assets/v-1/edits': () =>
        problem(422, { code: 'invalid_edit', detail: 'The trimmed clip must be at least 1 s long.', errors: [{ field: 'params.end_s', message: 'The trimmed clip must be at least 1 s long.' }] }),
    });
    const { user } = renderWithClient(<TrimEditor asset={clip()} label="Clip" onDelivered={() => undefined} />);
    await user.clear(screen.getByLabelText('End (seconds)'));
    await user.type(screen.getByLabelText('End (seconds)'), '2');
    await user.click(screen.getByRole('button', { name: /Apply trim/ }));
    expect(await screen.findByText('The trimmed clip must be at least 1 s long.', { selector: '.field-error' }, T)).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('The clip is unchanged.');
  });
});

describe('ReframeEditor', () => {
  it('picks another shape, places the focus point and reframes around it', async () => {
    const api = editApi();
    const delivered = vi.fn();
    const { user } = renderWithClient(<ReframeEditor asset={clip()} onDelivered={delivered} />);

    const shapes = within(screen.getByRole('group', { name: 'New aspect ratio' }));
    expect(shapes.getByRole('radio', { name: /16:9/ })).toBeDisabled();
    expect(shapes.getByRole('radio', { name: /9:16/ })).toBeChecked();
    expect(screen.getByText(/Keeps 404 × 720 of 1280 × 720 pixels: the full height/)).toBeInTheDocument();

    // The focus point: a slider, and the arrow keys on the picture.
    fireEvent.change(screen.getByRole('slider', { name: /Focus across/ }), { target: { value: '20' } });
    expect(screen.getByText('Focus across · 20%')).toBeInTheDocument();
    const stage = screen.getByRole('group', { name: /Focus point, 20% across and 50% down/ });
    stage.focus();
    await user.keyboard('{ArrowRight}');
    expect(screen.getByRole('group', { name: /Focus point, 21% across/ })).toBeInTheDocument();
    // The crop frame sits on the left, around the focus point, as far as the frame allows.
    const crop = stage.querySelector('.reframe-crop') as HTMLElement;
    expect(crop.style.width).toBe(`${(404 / 1280) * 100}%`);
    expect(crop.style.left).toBe(`${(67 / 1280) * 100}%`);

    await user.click(shapes.getByRole('radio', { name: /1:1/ }));
    expect(screen.getByText(/Keeps 720 × 720 of 1280 × 720 pixels/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: /Reframe to 1:1/ }));
    await waitFor(() => expect(api.sent).toEqual([{ operation: 'reframe', params: { aspect: '1:1', focus_x: 0.21, focus_y: 0.5 } }]));
    await waitFor(() => expect(delivered).toHaveBeenCalledWith('v-2'), T);
  });
});

describe('VideoAssetView', () => {
  it('plays the clip, says its facts, and shows the new revision after an edit', async () => {
    editApi({
      'GET /api/v1/assets/v-2/revisions': () => json({ root_id: 'v-1', items: [] }),
    });
    const opened = vi.fn();
    const { user } = renderWithClient(<VideoAssetView asset={clip({ has_audio: true })} label="Oak armchair clip" writable onOpen={opened} />);
    expect(screen.getByRole('group', { name: 'Video player: Oak armchair clip' })).toBeInTheDocument();
    expect(screen.getByText('6 s · 1280 × 720 · 24 fps · H.264 · with sound')).toBeInTheDocument();

    const tools = within(screen.getByRole('group', { name: 'Video edits' }));
    await user.click(tools.getByRole('button', { name: 'Mute' }));
    await user.click(screen.getByRole('button', { name: /Remove the sound/ }));
    await waitFor(() => expect(opened).toHaveBeenCalledWith('v-2'), T);
  });

  it('offers no mute for a silent clip, and no edits to a viewer', async () => {
    const { user, unmount } = renderWithClient(<VideoAssetView asset={clip()} label="Clip" writable onOpen={() => undefined} />);
    await user.click(within(screen.getByRole('group', { name: 'Video edits' })).getByRole('button', { name: 'Mute' }));
    expect(screen.getByText('This clip has no sound track, so there is nothing to mute.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Remove the sound/ })).toBeDisabled();
    unmount();

    renderWithClient(<VideoAssetView asset={clip()} label="Clip" writable={false} onOpen={() => undefined} />);
    expect(screen.getByRole('group', { name: 'Video player: Clip' })).toBeInTheDocument();
    expect(screen.queryByRole('group', { name: 'Video edits' })).not.toBeInTheDocument();
  });
});
