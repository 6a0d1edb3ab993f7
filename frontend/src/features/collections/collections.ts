/**
 * A collection as the editor holds it, the request bodies it becomes, where the API's refusals belong, and what a
 * run did to each product. No React here, so it is easy to test.
 *
 * A collection's settings and each section's settings are settings documents (api/generation/settings.py): the
 * editor changes the keys it shows and keeps any others (set through the API) exactly as they were.
 */
import type {
  BubbleIn,
  BubbleOptionOut,
  CollectionOut,
  CreateCollectionRequest,
  GenerationItemOut,
  JobOut,
  SectionIn,
  SectionOut,
} from '@/client/types.gen';
import type { BadgeTone } from '@/components/ui';
import { isSettled } from '@/features/studio/hooks';
import { type BubbleValues, bubblesOf, MAX_PROMPT, productDefaults, type StudioField, studioFieldOf } from '@/features/studio/studio';
import { parseError } from '@/lib/problem';

/** The API's limits (api/generation/schemas.py): names, descriptions, products and sections per collection. */
export const MAX_NAME = 120;
export const MAX_DESCRIPTION = 5000;
export const MAX_PRODUCTS = 200;
export const MAX_SECTIONS = 20;

/** The look every product of the collection shares; an empty string leaves that choice to each product. */
export interface CollectionLook {
  sceneType: string;
  aspectRatio: string;
  quality: string;
  bubbles: BubbleValues;
  prompt: string;
}

export interface SectionDraft {
  /** Tells sections apart while they are edited (they have no id). */
  key: string;
  name: string;
  categoryIds: string[];
  sceneTypes: string[];
  bubbles: BubbleValues;
  /** The section's other settings, kept as they are. */
  kept: Record<string, unknown>;
}

export interface CollectionDraft {
  name: string;
  description: string;
  productIds: string[];
  look: CollectionLook;
  /** The collection's other settings, kept as they are. */
  kept: Record<string, unknown>;
  sections: SectionDraft[];
}

const LOOK_KEYS = ['bubbles', 'scene_type', 'aspect_ratio', 'quality', 'prompt'];

function without(settings: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(settings).filter(([key]) => !keys.includes(key)));
}

export function lookOf(settings: Record<string, unknown> = {}): CollectionLook {
  const own = productDefaults(settings);
  return {
    sceneType: own.sceneType ?? '',
    aspectRatio: own.aspectRatio ?? '',
    quality: own.quality ?? '',
    bubbles: own.bubbles,
    prompt: typeof settings.prompt === 'string' ? settings.prompt : '',
  };
}

let sectionKeys = 0;

export function newSection(index: number): SectionDraft {
  sectionKeys += 1;
  return { key: `section-${sectionKeys}`, name: `Section ${index + 1}`, categoryIds: [], sceneTypes: [], bubbles: {}, kept: {} };
}

function sectionDraftOf(section: SectionOut): SectionDraft {
  sectionKeys += 1;
  return {
    key: `section-${sectionKeys}`,
    name: section.name,
    categoryIds: section.category_ids,
    sceneTypes: section.scene_types,
    bubbles: productDefaults(section.settings).bubbles,
    kept: without(section.settings, ['bubbles']),
  };
}

export function draftOf(collection?: CollectionOut): CollectionDraft {
  if (!collection) return { name: '', description: '', productIds: [], look: lookOf(), kept: {}, sections: [] };
  return {
    name: collection.name,
    description: collection.description,
    productIds: collection.flows.map((flow) => flow.product_id),
    look: lookOf(collection.settings),
    kept: without(collection.settings, LOOK_KEYS),
    sections: collection.sections.map(sectionDraftOf),
  };
}

/** The look as a settings document: only what is set, bubbles as presets or the person's words. */
export function settingsOf(look: CollectionLook, bubbles: BubbleOptionOut[], kept: Record<string, unknown> = {}): Record<string, unknown> {
  const document: Record<string, unknown> = { ...kept };
  const sent = bubblesOf(look.bubbles, bubbles);
  if (sent.length > 0) document.bubbles = sent;
  if (look.sceneType) document.scene_type = look.sceneType;
  if (look.aspectRatio) document.aspect_ratio = look.aspectRatio;
  if (look.quality) document.quality = look.quality;
  const prompt = look.prompt.trim().slice(0, MAX_PROMPT);
  if (prompt) document.prompt = prompt;
  return document;
}

function sectionBody(section: SectionDraft, bubbles: BubbleOptionOut[]): SectionIn {
  const settings: Record<string, unknown> = { ...section.kept };
  const sent = bubblesOf(section.bubbles, bubbles);
  if (sent.length > 0) settings.bubbles = sent;
  return { name: section.name.trim(), category_ids: section.categoryIds, scene_types: section.sceneTypes, settings };
}

/** What POST /collections takes (PATCH takes the same fields and replaces each one). */
export function collectionBody(draft: CollectionDraft, bubbles: BubbleOptionOut[]): CreateCollectionRequest {
  return {
    name: draft.name.trim(),
    description: draft.description.trim(),
    settings: settingsOf(draft.look, bubbles, draft.kept),
    sections: draft.sections.map((section) => sectionBody(section, bubbles)),
    product_ids: draft.productIds,
  };
}

export interface SectionErrors {
  name?: string;
  categories?: string;
  sceneTypes?: string;
  /** Messages for the section's bubbles (`bubble:<type>`). */
  fields: Partial<Record<StudioField, string>>;
  /** What none of the section's controls explains. */
  general?: string;
}

export interface CollectionErrors {
  name?: string;
  description?: string;
  products?: string;
  /** About the sections as a whole (a category that is gone). */
  sections?: string;
  /** Messages for the shared look's controls. */
  look: Partial<Record<StudioField, string>>;
  section: Record<number, SectionErrors>;
  /** What no control explains, shown by the Save button. */
  general: string | null;
}

export function noErrors(): CollectionErrors {
  return { look: {}, section: {}, general: null };
}

export function hasErrors(errors: CollectionErrors): boolean {
  return Boolean(
    errors.name ||
      errors.description ||
      errors.products ||
      errors.sections ||
      errors.general ||
      Object.keys(errors.look).length > 0 ||
      Object.keys(errors.section).length > 0,
  );
}

/** What can be told before anything is sent. */
export function draftProblems(draft: CollectionDraft): CollectionErrors {
  const errors = noErrors();
  if (!draft.name.trim()) errors.name = 'Give the collection a name.';
  if (draft.productIds.length > MAX_PRODUCTS)
    errors.products = `A collection holds at most ${MAX_PRODUCTS} products. Remove ${draft.productIds.length - MAX_PRODUCTS}.`;
  draft.sections.forEach((section, index) => {
    if (!section.name.trim()) errors.section[index] = { name: 'Name this section.', fields: {} };
  });
  return errors;
}

function sentBubbles(settings: Record<string, unknown> | undefined): BubbleIn[] {
  return Array.isArray(settings?.bubbles) ? (settings.bubbles as BubbleIn[]) : [];
}

/**
 * Splits a refused save between the fields it is about. Paths come from request validation (`sections.1.name`)
 * and from the settings check (`sections[1].settings.bubbles[0].value`); both are read the same way.
 */
export function collectionErrors(error: unknown, sent: CreateCollectionRequest): CollectionErrors {
  const result = noErrors();
  if (error === null || error === undefined) return result;
  const parsed = parseError(error);
  const leftovers: string[] = [];
  for (const [raw, message] of Object.entries(parsed.fieldErrors)) {
    const [head = '', ...rest] = raw.replace(/\[(\d+)\]/g, '.$1').split('.');
    if (head === 'name' || head === 'description') result[head] ??= message;
    else if (head === 'product_ids') result.products ??= message;
    else if (head === 'settings') {
      const field = rest.length > 0 ? studioFieldOf(rest.join('.'), sentBubbles(sent.settings)) : null;
      if (field) result.look[field] ??= message;
      else leftovers.push(message);
    } else if (head === 'sections') {
      const index = Number(rest[0]);
      if (rest.length === 0 || !Number.isInteger(index)) {
        result.sections ??= message;
        continue;
      }
      const section = (result.section[index] ??= { fields: {} });
      const [part, ...tail] = rest.slice(1);
      if (part === 'name') section.name ??= message;
      else if (part === 'category_ids') section.categories ??= message;
      else if (part === 'scene_types') section.sceneTypes ??= message;
      else {
        const field = part === 'settings' && tail.length > 0 ? studioFieldOf(tail.join('.'), sentBubbles(sent.sections?.[index]?.settings)) : null;
        if (field?.startsWith('bubble:')) section.fields[field] ??= message;
        else section.general ??= message;
      }
    } else leftovers.push(message);
  }
  if (parsed.code === 'product_not_found')
    result.products ??= 'One of the chosen products no longer exists. Remove it and save again.';
  const placed = hasErrors(result);
  if (leftovers.length > 0) result.general = leftovers.join(' ');
  else if (!placed) result.general = parsed.message;
  return result;
}

// --- runs --------------------------------------------------------------------------------------------------------

export type ProductRunStatus = 'queued' | 'running' | 'delivered' | 'partial' | 'failed' | 'canceled';

export interface ProductRun {
  status: ProductRunStatus;
  /** The product's images in this run, in the order they were asked for. */
  items: GenerationItemOut[];
  delivered: number;
}

/** Where one product's images stand: any being made or waiting means the product is still in progress. */
export function productRunStatus(items: GenerationItemOut[]): ProductRunStatus {
  if (items.some((item) => item.status === 'running')) return 'running';
  if (items.some((item) => !isSettled(item.status))) return items.some((item) => isSettled(item.status)) ? 'running' : 'queued';
  const delivered = items.filter((item) => item.status === 'succeeded').length;
  if (delivered === items.length) return 'delivered';
  if (delivered > 0) return 'partial';
  return items.every((item) => item.status === 'canceled') ? 'canceled' : 'failed';
}

/** A run's items grouped by product. */
export function productRuns(items: GenerationItemOut[]): Map<string, ProductRun> {
  const grouped = new Map<string, GenerationItemOut[]>();
  for (const item of items) {
    if (!item.product_id) continue;
    const list = grouped.get(item.product_id) ?? [];
    list.push(item);
    grouped.set(item.product_id, list);
  }
  const runs = new Map<string, ProductRun>();
  for (const [productId, list] of grouped) {
    const sorted = [...list].sort((a, b) => a.variant - b.variant);
    runs.set(productId, {
      status: productRunStatus(sorted),
      items: sorted,
      delivered: sorted.filter((item) => item.status === 'succeeded').length,
    });
  }
  return runs;
}

export const RUN_STATUS: Record<ProductRunStatus, { label: string; tone: BadgeTone }> = {
  queued: { label: 'Queued', tone: 'neutral' },
  running: { label: 'Generating', tone: 'accent' },
  delivered: { label: 'Delivered', tone: 'success' },
  partial: { label: 'Partly delivered', tone: 'warning' },
  failed: { label: 'Failed', tone: 'danger' },
  canceled: { label: 'Canceled', tone: 'neutral' },
};

const images = (count: number) => `${count.toLocaleString()} ${count === 1 ? 'image' : 'images'}`;

/** A collection's last run in a few words, for the list: its state and how many images came of it. */
export function lastRunSummary(job: Pick<JobOut, 'status' | 'progress'>): { label: string; tone: BadgeTone; detail: string } {
  const { done, failed, total } = job.progress;
  switch (job.status) {
    case 'queued':
      return { label: 'Queued', tone: 'neutral', detail: `${images(total)} waiting` };
    case 'running':
      return { label: 'Running', tone: 'accent', detail: `${done.toLocaleString()} of ${images(total)} ready` };
    case 'succeeded':
      if (done === total) return { label: 'Delivered', tone: 'success', detail: images(done) };
      if (done > 0) return { label: 'Partly delivered', tone: 'warning', detail: `${done.toLocaleString()} of ${images(total)}, ${failed.toLocaleString()} failed` };
      return { label: 'Failed', tone: 'danger', detail: 'No image could be made' };
    case 'failed':
      return { label: 'Failed', tone: 'danger', detail: done > 0 ? `${done.toLocaleString()} of ${images(total)} made` : 'No image could be made' };
    case 'canceled':
      return { label: 'Canceled', tone: 'neutral', detail: `${done.toLocaleString()} of ${images(total)} made` };
  }
}
