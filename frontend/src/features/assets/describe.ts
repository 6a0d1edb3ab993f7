/** Edits and revisions in words: what made a revision from its parent. */
import type { EditInfo } from '@/client/types.gen';

import { ADJUSTMENT_NAMES } from './adjust';

export const ADJUSTMENT_LABELS: Record<(typeof ADJUSTMENT_NAMES)[number], string> = {
  exposure: 'Exposure',
  brightness: 'Brightness',
  contrast: 'Contrast',
  saturation: 'Saturation',
  warmth: 'Warmth',
  sharpness: 'Sharpness',
};

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** "2K" for an image's quality, "720p" for a clip's resolution (as they are written). */
export function qualityText(asset: { type: string; quality: string }): string {
  return asset.type === 'video' ? asset.quality : asset.quality.toUpperCase();
}

/** "+0.5", "−0.25": an adjustment's value with its sign. */
export function signedValue(value: number): string {
  const text = Math.abs(value).toLocaleString(undefined, { maximumFractionDigits: 2 });
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : '0';
}

/** "Crop 800 × 1000", "Adjust: exposure +0.5": the edit that made a revision, or "Original" for the first one. */
export function editLabel(edit: EditInfo | null | undefined): string {
  if (!edit) return 'Original';
  const p = edit.params ?? {};
  switch (edit.operation) {
    case 'crop': {
      if (typeof p.aspect === 'string') return `Crop to ${p.aspect}`;
      const [width, height] = [num(p.width), num(p.height)];
      return width !== null && height !== null ? `Crop ${width} × ${height}` : 'Crop';
    }
    case 'resize': {
      const [width, height] = [num(p.width), num(p.height)];
      const sides = [width !== null && `${width} wide`, height !== null && `${height} high`].filter(Boolean);
      return sides.length ? `Resize to ${sides.join(', ')}` : 'Resize';
    }
    case 'rotate': {
      const degrees = num(p.degrees);
      return degrees !== null ? `Rotate ${degrees}°` : 'Rotate';
    }
    case 'flip':
      return p.direction === 'vertical' ? 'Flip vertically' : 'Flip horizontally';
    case 'adjust': {
      const parts = ADJUSTMENT_NAMES.filter((name) => num(p[name])).map((name) => `${ADJUSTMENT_LABELS[name].toLowerCase()} ${signedValue(p[name] as number)}`);
      return parts.length ? `Adjust: ${parts.join(', ')}` : 'Adjust';
    }
    case 'ai_edit':
      return typeof p.instruction === 'string' ? `AI edit: “${p.instruction}”` : 'AI edit';
    case 'upscale':
      return typeof p.quality === 'string' ? `Upscale to ${p.quality.toUpperCase()}` : 'Upscale';
    case 'remove_background':
      return 'Background removed';
    case 'trim': {
      const [start, end] = [num(p.start_s), num(p.end_s)];
      const seconds = (value: number) => value.toLocaleString(undefined, { maximumFractionDigits: 2 });
      return start !== null && end !== null ? `Trim ${seconds(start)}–${seconds(end)} s` : 'Trim';
    }
    case 'reframe':
      return typeof p.aspect === 'string' ? `Reframe to ${p.aspect}` : 'Reframe';
    case 'mute':
      return 'Sound removed';
    default:
      return edit.operation.replace(/_/g, ' ');
  }
}
