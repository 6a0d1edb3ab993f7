import { describe, expect, it } from 'vitest';

import type { CostTableOut, GenerationOptionsOut } from '@/client/types.gen';
import { costTable, generationOptions } from '@/test/studio';
import { veoProviderFixture, videoOptions, videoProviderFixture } from '@/test/video';

import {
  aspectOf,
  clipCredits,
  cropBox,
  cropFreedom,
  defaultVideoChoices,
  formatClock,
  formatSeconds,
  moveTrimHandle,
  trimProblem,
  videoErrors,
  videoFieldOf,
  videoProblems,
  videoQuote,
  videoRequestBody,
} from './video';

const options = (video: Record<string, unknown> = {}) => generationOptions({ video: videoOptions(video) }) as unknown as GenerationOptionsOut;
const costs = costTable() as unknown as CostTableOut;

describe('the video choices and request', () => {
  it('starts from the API defaults, as far as the default provider makes them', () => {
    const choices = defaultVideoChoices(options(), { productId: 'prod-1' });
    expect(choices).toMatchObject({ source: 'product', productId: 'prod-1', aspectRatio: '16:9', resolution: '720p', durationS: 6, fps: 24, cameraMotion: 'push_in', provider: 'local', variants: 1 });
    expect(defaultVideoChoices(options(), { assetId: 'asset-9' })).toMatchObject({ source: 'asset', assetId: 'asset-9' });
    // A default provider that cannot make the default length starts at one it can.
    const veoOnly = generationOptions({ default_provider: 'gemini', video: videoOptions({ providers: [veoProviderFixture()], defaults: { duration_s: 5 } }) });
    expect(defaultVideoChoices(veoOnly as unknown as GenerationOptionsOut)).toMatchObject({ provider: 'gemini', durationS: 4 });
  });

  it('asks for a product photo or an image asset, with every video setting', () => {
    const choices = { ...defaultVideoChoices(options(), { productId: 'prod-1' }), baseImageId: 'img-2', durationS: 3, prompt: '  warm light  ' };
    expect(videoRequestBody(choices)).toEqual({
      type: 'video',
      variants: 1,
      provider: 'local',
      product_ids: ['prod-1'],
      settings: { aspect_ratio: '16:9', resolution: '720p', duration_s: 3, fps: 24, camera_motion: 'push_in', prompt: 'warm light', base_image_id: 'img-2' },
    });
    const fromAsset = videoRequestBody({ ...choices, source: 'asset', assetId: 'asset-9', prompt: '' });
    expect(fromAsset).toMatchObject({ type: 'video', source_asset_id: 'asset-9', settings: { prompt: null } });
    expect(fromAsset).not.toHaveProperty('product_ids');
    expect(fromAsset.settings).not.toHaveProperty('base_image_id');
  });

  it('prices clips from the cost table: 5 credits at 720p, 8 at 1080p, per clip', () => {
    expect(clipCredits(costs, '720p')).toBe(5);
    expect(clipCredits(costs, '1080p')).toBe(8);
    expect(videoQuote(costs, '1080p', 3)).toBe(24);
    expect(videoQuote(undefined, '720p', 1)).toBeNull();
  });

  it('says what the chosen provider cannot make before anything is sent', () => {
    const veo = veoProviderFixture();
    const base = { ...defaultVideoChoices(options(), { productId: 'prod-1' }), provider: 'gemini' };
    expect(videoProblems({ ...base, durationS: 6 }, veo)).toEqual({});
    const problems = videoProblems({ ...base, aspectRatio: '1:1', resolution: '1080p', durationS: 6, fps: 30 }, veo);
    expect(problems.aspect_ratio).toBe("Google Gemini can't make 1:1 videos. Choose 16:9, 9:16.");
    expect(problems.duration_s).toBe('Google Gemini makes 1080p clips of 8 s, not 6 s.');
    expect(problems.fps).toBe('Google Gemini makes videos at 24 fps.');
    expect(videoProblems({ ...base, productId: null }, videoProviderFixture()).source).toBe('Choose the product whose photo to animate.');
    expect(videoProblems({ ...base, source: 'asset', assetId: null }, videoProviderFixture()).source).toBe('Choose the image to animate.');
    expect(videoProblems(base, undefined).provider).toBe('Choose a provider that makes videos.');
  });

  it('puts the API refusals next to their controls, and a 402 into the credits prompt', () => {
    expect(videoFieldOf('settings.duration_s')).toBe('duration_s');
    expect(videoFieldOf('body.source_asset_id')).toBe('source');
    expect(videoFieldOf('product_ids[0]')).toBe('source');
    const refused = videoErrors({
      status: 422,
      code: 'validation_error',
      detail: 'Some fields need your attention.',
      errors: [
        { field: 'settings.duration_s', message: 'gemini makes 1080p clips of 8 s, not 6 s.' },
        { field: 'settings.mystery', message: 'Something else.' },
      ],
    });
    expect(refused.fields).toEqual({ duration_s: 'gemini makes 1080p clips of 8 s, not 6 s.' });
    expect(refused.general).toBe('Something else.');
    const short = videoErrors({ status: 402, code: 'insufficient_credits', required: 8, available: 3 });
    expect(short.payment?.status).toBe(402);
    expect(videoErrors({ status: 404, code: 'asset_not_found', detail: 'No such asset.' }).fields.source).toBe('No such asset.');
  });
});

describe('times', () => {
  it('reads clip times as minutes and seconds, with tenths where asked', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(6)).toBe('0:06');
    expect(formatClock(62.4)).toBe('1:02');
    expect(formatClock(2.46, true)).toBe('0:02.4');
    expect(formatClock(Number.NaN, true)).toBe('0:00.0');
    expect(formatSeconds(2.5)).toBe('2.5 s');
    expect(formatSeconds(6)).toBe('6 s');
  });
});

describe('trim', () => {
  it('keeps at least a second inside the clip, and something must be cut', () => {
    expect(trimProblem({ start: 1, end: 3.5 }, 6)).toBeNull();
    expect(trimProblem({ start: 1, end: 1.5 }, 6)).toBe('Keep at least 1 s: the end must be at least 1 s after the start.');
    expect(trimProblem({ start: 0, end: 7 }, 6)).toBe('The clip is 6 s long: end at 6 s at the latest.');
    expect(trimProblem({ start: -1, end: 3 }, 6)).toBe('The start cannot be before 0 s.');
    expect(trimProblem({ start: Number.NaN, end: 3 }, 6)).toBe('Enter the start and the end in seconds.');
    expect(trimProblem({ start: 0, end: 6 }, 6)).toBe('That is the whole clip: move a handle to cut something off.');
  });

  it('moves a handle onto a frame, never closer than a second to the other, never outside the clip', () => {
    expect(moveTrimHandle({ start: 0, end: 6 }, 'start', 1.01, 6, 24)).toEqual({ start: 1, end: 6 });
    expect(moveTrimHandle({ start: 0, end: 3 }, 'start', 2.6, 6, 24)).toEqual({ start: 2, end: 3 });
    expect(moveTrimHandle({ start: 2, end: 6 }, 'end', 2.2, 6, 24)).toEqual({ start: 2, end: 3 });
    expect(moveTrimHandle({ start: 2, end: 5 }, 'end', 9, 6, 24)).toEqual({ start: 2, end: 6 });
    expect(moveTrimHandle({ start: 2, end: 5 }, 'start', -3, 6, 24)).toEqual({ start: 0, end: 5 });
  });
});

describe('reframe', () => {
  it('keeps the largest box of the new shape around the focus point, as the API cuts it', () => {
    // 1920 × 1080 to 9:16: 608 × 1080, centred, or pushed against an edge by the focus point.
    expect(cropBox(1920, 1080, '9:16', 0.5, 0.5)).toEqual({ left: 656, top: 0, width: 608, height: 1080 });
    expect(cropBox(1920, 1080, '9:16', 0, 0.5)).toEqual({ left: 0, top: 0, width: 608, height: 1080 });
    expect(cropBox(1920, 1080, '9:16', 1, 0.5)).toEqual({ left: 1312, top: 0, width: 608, height: 1080 });
    expect(cropBox(1080, 1920, '1:1', 0.5, 0.2)).toEqual({ left: 0, top: 0, width: 1080, height: 1080 });
    expect(cropBox(1080, 1920, '1:1', 0.5, 0.8)).toEqual({ left: 0, top: 840, width: 1080, height: 1080 });
    expect(cropFreedom(1920, 1080, '9:16')).toEqual({ x: true, y: false });
    expect(cropFreedom(1080, 1920, '4:5')).toEqual({ x: false, y: true });
  });

  it('names a clip shape from its size', () => {
    expect(aspectOf(1280, 720)).toBe('16:9');
    expect(aspectOf(1080, 1350)).toBe('4:5');
    expect(aspectOf(608, 1080)).toBe('9:16');
  });
});
