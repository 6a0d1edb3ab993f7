import type { BadgeTone } from '@/components/ui';
import type { JobKind, JobStatus, LotSource, StoreStatus } from '@/client/types.gen';

export const JOB_KIND_LABELS: Record<JobKind, string> = {
  image: 'Images',
  video: 'Video',
  edit: 'AI edit',
  upscale: 'Upscale',
  background_removal: 'Background removal',
  import: 'Store import',
  sync: 'Store sync',
};

export const JOB_STATUS_LABELS: Record<JobStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  canceled: 'Canceled',
};

export const JOB_STATUS_TONES: Record<JobStatus, BadgeTone> = {
  queued: 'neutral',
  running: 'accent',
  succeeded: 'success',
  failed: 'danger',
  canceled: 'neutral',
};

export const LOT_SOURCE_LABELS: Record<LotSource, string> = {
  trial: 'Free trial',
  allotment: 'Plan credits',
  pack: 'Credit pack',
  promo: 'Promotional grant',
  compensation: 'Compensation',
  rollover: 'Rollover',
  adjustment: 'Adjustment',
};

export const STORE_STATUS_LABELS: Record<StoreStatus, string> = { active: 'Connected', disconnected: 'Disconnected', error: 'Error' };

/** Subscription states an admin filters by (the last subscription of each workspace). */
export const SUBSCRIPTION_STATUSES = ['trialing', 'active', 'past_due', 'unpaid', 'incomplete', 'canceled', 'paused'] as const;

export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** JSON for people: what an audit record or a job's settings held. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
