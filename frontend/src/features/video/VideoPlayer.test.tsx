import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createRef } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { fakeMediaPlayback } from '@/test/video';

import { type PlayerHandle, VideoPlayer } from './VideoPlayer';

let media: ReturnType<typeof fakeMediaPlayback>;
beforeEach(() => {
  media = fakeMediaPlayback(6);
});
afterEach(() => media.restore());

function renderPlayer(props: Partial<Parameters<typeof VideoPlayer>[0]> = {}) {
  const user = userEvent.setup();
  const result = render(<VideoPlayer src="http://localhost/files/clip.mp4" poster="http://localhost/files/poster.webp" label="Oak armchair clip" duration={6} fps={24} width={1280} height={720} {...props} />);
  const player = screen.getByRole('group', { name: 'Video player: Oak armchair clip' });
  const video = result.container.querySelector('video') as HTMLVideoElement;
  return { user, player, video, controls: within(player), ...result };
}

describe('VideoPlayer', () => {
  it('shows the poster and plays, pauses and moves its scrubber and time with the clip', async () => {
    const { user, video, controls } = renderPlayer();
    expect(video).toHaveAttribute('poster', 'http://localhost/files/poster.webp');
    const scrub = controls.getByRole('slider', { name: 'Seek' });
    expect(scrub).toHaveAttribute('aria-valuenow', '0');
    expect(scrub).toHaveAttribute('aria-valuetext', '0:00.0 of 0:06.0');

    await user.click(controls.getByRole('button', { name: 'Play' }));
    expect(media.play).toHaveBeenCalledTimes(1);
    expect(controls.getByRole('button', { name: 'Pause' })).toBeInTheDocument();

    act(() => media.advance(video, 2.5));
    await waitFor(() => expect(scrub).toHaveAttribute('aria-valuenow', '2.5'));
    expect(scrub).toHaveAttribute('aria-valuetext', '0:02.5 of 0:06.0');
    expect(controls.getByText('0:02.5 / 0:06.0')).toBeInTheDocument();

    await user.click(controls.getByRole('button', { name: 'Pause' }));
    expect(media.pause).toHaveBeenCalled();
    expect(controls.getByRole('button', { name: 'Play' })).toBeInTheDocument();

    // Dragging the scrubber seeks.
    fireEvent.change(scrub, { target: { value: '4' } });
    expect(video.currentTime).toBe(4);
    expect(scrub).toHaveAttribute('aria-valuenow', '4');
  });

  it('answers the keyboard: Space and K play and pause, arrows seek, M mutes', async () => {
    const { user, player, video, controls } = renderPlayer();
    player.focus();
    await user.keyboard(' ');
    expect(media.play).toHaveBeenCalledTimes(1);
    await user.keyboard('k');
    expect(media.pause).toHaveBeenCalledTimes(1);

    await user.keyboard('{ArrowRight}{ArrowRight}');
    expect(video.currentTime).toBe(2);
    await user.keyboard('{ArrowLeft}');
    expect(video.currentTime).toBe(1);
    await user.keyboard('{Shift>}{ArrowRight}{/Shift}');
    expect(video.currentTime).toBeCloseTo(1 + 1 / 24);
    await user.keyboard('{End}');
    expect(video.currentTime).toBe(6);
    await user.keyboard('{Home}');
    expect(video.currentTime).toBe(0);

    const mute = controls.getByRole('button', { name: 'Mute' });
    expect(mute).toHaveAttribute('aria-pressed', 'false');
    await user.keyboard('m');
    expect(video.muted).toBe(true);
    expect(mute).toHaveAttribute('aria-pressed', 'true');
    await user.click(mute);
    expect(video.muted).toBe(false);
    expect(mute).toHaveAttribute('aria-pressed', 'false');
  });

  it('loops when asked, and keeps its keys from the page around it', async () => {
    const onOuterKey = { count: 0 };
    const user = userEvent.setup();
    const { container } = render(
      <div onKeyDown={() => (onOuterKey.count += 1)}>
        <VideoPlayer src="http://localhost/files/clip.mp4" label="Clip" duration={6} />
      </div>,
    );
    const video = container.querySelector('video') as HTMLVideoElement;
    const loop = screen.getByRole('button', { name: 'Loop' });
    expect(video.loop).toBe(false);
    await user.click(loop);
    expect(loop).toHaveAttribute('aria-pressed', 'true');
    expect(video.loop).toBe(true);

    screen.getByRole('group', { name: 'Video player: Clip' }).focus();
    await user.keyboard('{ArrowRight}');
    expect(onOuterKey.count).toBe(0);
    await user.keyboard('x');
    expect(onOuterKey.count).toBe(1);
  });

  it('plays only the chosen range: from its start, stopping at its end', async () => {
    const ref = createRef<PlayerHandle>();
    const { user, video, controls } = renderPlayer({ range: { start: 1, end: 3.5 }, ref });
    const scrub = controls.getByRole('slider', { name: 'Seek' });
    expect(scrub).toHaveStyle({ '--range-start': `${(1 / 6) * 100}%` });

    await user.click(controls.getByRole('button', { name: 'Play' }));
    expect(video.currentTime).toBe(1);
    act(() => {
      video.currentTime = 3.6;
    });
    // The player reads the time every frame while playing and stops at the end of the range.
    await waitFor(() => expect(media.pause).toHaveBeenCalled());
    expect(video.currentTime).toBe(3.5);

    act(() => ref.current?.play(2));
    expect(video.currentTime).toBe(2);
    expect(media.play).toHaveBeenCalledTimes(2);
  });

  it("says so when the browser can't play the clip, with the file to download", () => {
    const { video, controls } = renderPlayer();
    fireEvent.error(video);
    expect(screen.getByRole('alert')).toHaveTextContent("This browser can't play this clip.");
    expect(screen.getByRole('link', { name: 'Download it to watch' })).toHaveAttribute('href', 'http://localhost/files/clip.mp4');
    expect(controls.getByRole('button', { name: 'Play' })).toBeDisabled();
  });
});
