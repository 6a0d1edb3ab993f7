import { describe, expect, it } from 'vitest';

import type { CollectionOut, GenerationItemOut } from '@/client/types.gen';
import { collectionFixture } from '@/test/collections';
import { generationOptions, itemFixture } from '@/test/studio';

import {
  collectionBody,
  collectionErrors,
  draftOf,
  draftProblems,
  hasErrors,
  lastRunSummary,
  newSection,
  productRuns,
  productRunStatus,
} from './collections';

const bubbles = generationOptions().bubbles;
const saved = collectionFixture() as unknown as CollectionOut;

function items(...statuses: string[]): GenerationItemOut[] {
  return statuses.map((status, variant) => itemFixture(variant, { variant, status }) as unknown as GenerationItemOut);
}

function problem422(errors: { field: string; message: string }[], code = 'validation_error') {
  return { type: 'about:blank', title: 'Validation failed', status: 422, code, detail: errors[0]?.message, errors };
}

describe('a saved collection in the editor and back', () => {
  it('reads the look and sections, and sends them back unchanged', () => {
    const draft = draftOf(saved);
    expect(draft.look).toEqual({
      sceneType: 'living_room',
      aspectRatio: '4:5',
      quality: '',
      bubbles: { style: ['Scandinavian'], color_palette: ['Terracotta'] },
      prompt: '',
    });
    expect(draft.productIds).toEqual(['prod-1', 'prod-2']);
    const body = collectionBody(draft, bubbles);
    expect(body.settings).toEqual(saved.settings);
    expect(body.sections).toEqual(saved.sections);
  });

  it('keeps settings the editor does not show, and words that are not presets', () => {
    const withExtras = {
      ...saved,
      settings: { fps: '30', prompt: ' by the fire ', bubbles: [{ type: 'custom', value: 'a sleeping cat' }] },
      sections: [{ name: 'Lamps', category_ids: [], scene_types: ['studio'], settings: { quality: '4k', bubbles: [{ type: 'mood', value: 'Moody' }] } }],
    };
    const body = collectionBody(draftOf(withExtras), bubbles);
    expect(body.settings).toEqual({ fps: '30', prompt: 'by the fire', bubbles: [{ type: 'custom', value: 'a sleeping cat' }] });
    expect(body.sections).toEqual([{ name: 'Lamps', category_ids: [], scene_types: ['studio'], settings: { quality: '4k', bubbles: [{ type: 'mood', value: 'Moody' }] } }]);
  });

  it('sends nothing for choices left to each product', () => {
    const body = collectionBody({ ...draftOf(), name: '  Spring  ', sections: [newSection(0)] }, bubbles);
    expect(body).toEqual({
      name: 'Spring',
      description: '',
      settings: {},
      sections: [{ name: 'Section 1', category_ids: [], scene_types: [], settings: {} }],
      product_ids: [],
    });
  });
});

describe('what is wrong before saving', () => {
  it('needs a name, and a name for each section', () => {
    const draft = { ...draftOf(), name: ' ', sections: [newSection(0), { ...newSection(1), name: '' }] };
    const problems = draftProblems(draft);
    expect(problems.name).toBe('Give the collection a name.');
    expect(Object.keys(problems.section)).toEqual(['1']);
    expect(hasErrors(draftProblems({ ...draft, name: 'Spring', sections: [] }))).toBe(false);
  });

  it('holds at most 200 products', () => {
    const draft = { ...draftOf(), name: 'Big', productIds: Array.from({ length: 203 }, (_, i) => `p${i}`) };
    expect(draftProblems(draft).products).toBe('A collection holds at most 200 products. Remove 3.');
  });
});

describe("where the API's refusals go", () => {
  const draft = { ...draftOf(saved), sections: [...draftOf(saved).sections, newSection(1)] };
  draft.sections[1] = { ...draft.sections[1], bubbles: { style: ['Rustic'], custom: ['x'.repeat(10)] } };
  const sent = collectionBody(draft, bubbles);

  it('reads request-validation and settings paths alike', () => {
    const errors = collectionErrors(
      problem422([
        { field: 'name', message: 'String should have at least 1 character' },
        { field: 'sections.1.name', message: 'Too long' },
        { field: 'sections[1].settings.bubbles[1].value', message: 'must be at most 300 characters' },
        { field: 'settings.bubbles[1]', message: 'color_palette is odd' },
        { field: 'settings.scene_type', message: 'Unknown scene' },
        { field: 'product_ids', message: 'Too many' },
      ]),
      sent,
    );
    expect(errors.name).toBe('String should have at least 1 character');
    expect(errors.products).toBe('Too many');
    expect(errors.look).toEqual({ 'bubble:color_palette': 'color_palette is odd', scene_type: 'Unknown scene' });
    expect(errors.section[1]).toEqual({ name: 'Too long', fields: { 'bubble:custom': 'must be at most 300 characters' } });
    expect(errors.general).toBeNull();
  });

  it('puts a vanished category on the sections, a vanished product on the products, the rest by Save', () => {
    expect(collectionErrors(problem422([{ field: 'sections', message: 'A section names a category that does not exist.' }]), sent).sections).toBe(
      'A section names a category that does not exist.',
    );
    const gone = collectionErrors({ type: 'about:blank', title: 'Not found', status: 404, code: 'product_not_found', detail: 'Product not found' }, sent);
    expect(gone.products).toMatch(/no longer exists/);
    expect(gone.general).toBeNull();
    const other = collectionErrors(problem422([{ field: 'body', message: 'Expected an object' }]), sent);
    expect(other.general).toBe('Expected an object');
    expect(collectionErrors(new TypeError('Failed to fetch'), sent).general).toMatch(/couldn't reach Epox/);
  });
});

describe("a product's part in a run", () => {
  it('is queued, then running, until every image is settled', () => {
    expect(productRunStatus(items('pending', 'pending'))).toBe('queued');
    expect(productRunStatus(items('running', 'pending'))).toBe('running');
    expect(productRunStatus(items('succeeded', 'pending'))).toBe('running');
    expect(productRunStatus(items('succeeded', 'succeeded'))).toBe('delivered');
    expect(productRunStatus(items('succeeded', 'failed'))).toBe('partial');
    expect(productRunStatus(items('failed', 'canceled'))).toBe('failed');
    expect(productRunStatus(items('canceled', 'canceled'))).toBe('canceled');
  });

  it('groups a run by product, images in variant order', () => {
    const run = [
      itemFixture(0, { product_id: 'a', variant: 1, status: 'succeeded' }),
      itemFixture(1, { product_id: 'b', variant: 0, status: 'failed' }),
      itemFixture(2, { product_id: 'a', variant: 0, status: 'succeeded' }),
    ] as unknown as GenerationItemOut[];
    const runs = productRuns(run);
    expect(runs.get('a')?.items.map((item) => item.variant)).toEqual([0, 1]);
    expect(runs.get('a')).toMatchObject({ status: 'delivered', delivered: 2 });
    expect(runs.get('b')).toMatchObject({ status: 'failed', delivered: 0 });
  });
});

describe('the last run in the list', () => {
  const progress = (done: number, failed: number, total: number) => ({ done, failed, total, percent: 0 });
  it('says how it went in a few words', () => {
    expect(lastRunSummary({ status: 'queued', progress: progress(0, 0, 6) })).toEqual({ label: 'Queued', tone: 'neutral', detail: '6 images waiting' });
    expect(lastRunSummary({ status: 'running', progress: progress(2, 0, 6) }).detail).toBe('2 of 6 images ready');
    expect(lastRunSummary({ status: 'succeeded', progress: progress(1, 0, 1) })).toEqual({ label: 'Delivered', tone: 'success', detail: '1 image' });
    expect(lastRunSummary({ status: 'succeeded', progress: progress(4, 2, 6) })).toMatchObject({ label: 'Partly delivered', detail: '4 of 6 images, 2 failed' });
    expect(lastRunSummary({ status: 'succeeded', progress: progress(0, 6, 6) }).label).toBe('Failed');
    expect(lastRunSummary({ status: 'canceled', progress: progress(3, 0, 6) })).toMatchObject({ label: 'Canceled', detail: '3 of 6 images made' });
  });
});
