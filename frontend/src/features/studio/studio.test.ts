import { describe, expect, it } from 'vitest';

import type { CostTableOut } from '@/client/types.gen';
import { costTable, generationOptions, providerFixture } from '@/test/studio';

import { bubblesOf, defaultChoices, productDefaults, providerProblems, quoteCredits, requestBody, studioErrors, studioFieldOf, toggleBubbleValue } from './studio';

const options = generationOptions();
const costs = costTable() as CostTableOut;
const style = { type: 'style', additive: false };
const palette = { type: 'color_palette', additive: true };

describe('the cost of a request', () => {
  it('is the per-image price of the quality times the images: 4K costs 2 credits each', () => {
    expect(quoteCredits(costs, '1k', 1)).toBe(1);
    expect(quoteCredits(costs, '2k', 4)).toBe(4);
    expect(quoteCredits(costs, '4k', 1)).toBe(2);
    expect(quoteCredits(costs, '4k', 4)).toBe(8);
  });

  it('is unknown without a price list or a price for the quality', () => {
    expect(quoteCredits(undefined, '1k', 1)).toBeNull();
    expect(quoteCredits(costs, '8k', 1)).toBeNull();
  });
});

describe('bubbles', () => {
  it('keep one value for a single type and collect values for an additive one', () => {
    let values = toggleBubbleValue({}, style, 'Modern');
    values = toggleBubbleValue(values, style, 'Rustic');
    expect(values.style).toEqual(['Rustic']);
    values = toggleBubbleValue(values, palette, 'Sage green');
    values = toggleBubbleValue(values, palette, '  Terracotta ');
    expect(values.color_palette).toEqual(['Sage green', 'Terracotta']);
    values = toggleBubbleValue(values, palette, 'sage green');
    expect(values.color_palette).toEqual(['Terracotta']);
    expect(toggleBubbleValue(values, style, '   ')).toBe(values);
  });

  it('are sent as presets when they are one, as words otherwise, in the options order', () => {
    expect(bubblesOf({ color_palette: ['Sage green', 'Dusty rose'], style: ['Modern'] }, options.bubbles)).toEqual([
      { type: 'style', preset: 'Modern' },
      { type: 'color_palette', preset: 'Sage green' },
      { type: 'color_palette', value: 'Dusty rose' },
    ]);
  });
});

describe('the request', () => {
  it('starts from the primary photo, the product scene type and the default provider', () => {
    const product = { scene_types: ['outdoor'], images: [{ id: 'a', is_primary: false }, { id: 'b', is_primary: true }] };
    const choices = defaultChoices(options, product);
    expect(choices).toMatchObject({ baseImageId: 'b', sceneType: 'outdoor', aspectRatio: '1:1', quality: '1k', variants: 1, provider: 'local' });
    expect(requestBody('prod-1', { ...choices, prompt: '  ' }, options)).toEqual({
      product_ids: ['prod-1'],
      variants: 1,
      provider: 'local',
      settings: {
        scene_type: 'outdoor',
        aspect_ratio: '1:1',
        quality: '1k',
        bubbles: [],
        prompt: null,
        base_image_id: 'b',
        reference_image_ids: [],
      },
    });
  });

  it("starts from the product's own defaults where it has them", () => {
    const generation_settings = {
      bubbles: [{ type: 'lighting', preset: 'Golden hour' }, { type: 'color_palette', value: 'Oat' }, { type: 'color_palette', preset: 'Sage green' }],
      scene_type: 'living_room',
      aspect_ratio: '4:5',
      quality: '8k',
    };
    expect(productDefaults(generation_settings).bubbles).toEqual({ lighting: ['Golden hour'], color_palette: ['Oat', 'Sage green'] });
    const choices = defaultChoices(options, { scene_types: ['outdoor'], images: [], generation_settings });
    expect(choices).toMatchObject({ sceneType: 'living_room', aspectRatio: '4:5', quality: '1k', baseImageId: null });
    expect(productDefaults({ bubbles: 'nonsense' }).bubbles).toEqual({});
  });

  it('names what the chosen provider cannot make', () => {
    const provider = providerFixture({ name: 'openai', aspect_ratios: ['1:1', '16:9'], qualities: ['1k'], max_reference_images: 1 });
    const choices = { ...defaultChoices(options, { scene_types: [], images: [] }), aspectRatio: '21:9', quality: '4k', referenceImageIds: ['x', 'y'] };
    const problems = providerProblems(choices, provider);
    expect(problems.aspect_ratio).toMatch(/can't make 21:9/);
    expect(problems.quality).toMatch(/can't make 4K/);
    expect(problems.reference_images).toMatch(/at most 1 reference image/);
  });
});

describe('errors from the API', () => {
  it('belong to the control they are about', () => {
    expect(studioFieldOf('settings.aspect_ratio')).toBe('aspect_ratio');
    expect(studioFieldOf('aspect_ratio')).toBe('aspect_ratio');
    expect(studioFieldOf('settings.bubbles.style')).toBe('bubble:style');
    expect(studioFieldOf('settings.bubbles.color_palette[2]')).toBe('bubble:color_palette');
    expect(studioFieldOf('settings.bubbles.1.value', [{ type: 'style' }, { type: 'mood' }])).toBe('bubble:mood');
    expect(studioFieldOf('settings.reference_image_ids.0')).toBe('reference_images');
    expect(studioFieldOf('product_ids')).toBe('base_image');
    expect(studioFieldOf('something_else')).toBeNull();
  });

  it('split a 402 from field errors and a general line', () => {
    expect(studioErrors({ status: 402, code: 'insufficient_credits', required: 8, available: 3 }).payment).not.toBeNull();
    const unsupported = studioErrors({
      status: 422,
      code: 'unsupported_option',
      detail: "Aspect ratio '21:9' is not supported",
      errors: [{ field: 'aspect_ratio', message: "Aspect ratio '21:9' is not supported", type: 'unsupported_option' }],
    });
    expect(unsupported).toEqual({ fields: { aspect_ratio: "Aspect ratio '21:9' is not supported" }, general: null, payment: null });
    const provider = studioErrors({ status: 422, code: 'provider_not_available', detail: "The 'fal' provider is not configured here." });
    expect(provider.fields.provider).toBe("The 'fal' provider is not configured here.");
    expect(studioErrors({ status: 500, code: 'internal_error' }).general).toMatch(/Something went wrong/);
  });
});
