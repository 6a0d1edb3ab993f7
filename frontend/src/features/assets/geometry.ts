/**
 * The editor's geometry, the way the server computes it (api/assets/editor.py): crop boxes and aspect presets,
 * resize targets, rotations. Pure functions on whole pixels, so the numbers shown are the ones the server uses.
 */

/** The smallest side an edit may leave (the server's MIN_SIDE). */
export const MIN_SIDE = 8;

export interface Size {
  width: number;
  height: number;
}

/** A crop box in image pixels: left, top, width, height. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Python's round(): halves go to the even neighbour, so sizes agree with the server's to the pixel. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** "4:5" → 0.8 (width / height); null for anything that is not two positive whole numbers. */
export function aspectValue(aspect: string): number | null {
  const match = /^(\d+):(\d+)$/.exec(aspect);
  if (!match) return null;
  const [w, h] = [Number(match[1]), Number(match[2])];
  return w > 0 && h > 0 ? w / h : null;
}

/** The largest box of `aspect` inside the image, centred (the server's `aspect_box`). */
export function aspectBox(size: Size, aspect: string): Box {
  const match = /^(\d+):(\d+)$/.exec(aspect);
  if (!match) throw new RangeError(`not an aspect ratio: ${aspect}`);
  const [aw, ah] = [Number(match[1]), Number(match[2])];
  let [width, height] = [size.width, roundHalfEven((size.width * ah) / aw)];
  if (height > size.height) [width, height] = [roundHalfEven((size.height * aw) / ah), size.height];
  return { x: Math.floor((size.width - width) / 2), y: Math.floor((size.height - height) / 2), width, height };
}

export const fullBox = (size: Size): Box => ({ x: 0, y: 0, width: size.width, height: size.height });

/** Why the server would refuse this crop box, or null when it is fine. */
export function cropProblem(size: Size, box: Box): string | null {
  if (![box.x, box.y, box.width, box.height].every(Number.isInteger)) return 'Use whole pixels.';
  if (box.width < MIN_SIDE || box.height < MIN_SIDE) return `The crop must be at least ${MIN_SIDE} × ${MIN_SIDE} pixels.`;
  if (box.x < 0 || box.y < 0 || box.x + box.width > size.width || box.y + box.height > size.height)
    return `The crop reaches outside the ${size.width} × ${size.height} image.`;
  return null;
}

/** A box moved by (dx, dy), kept inside the image. */
export function moveBox(box: Box, dx: number, dy: number, size: Size): Box {
  return {
    ...box,
    x: Math.min(Math.max(0, Math.round(box.x + dx)), size.width - box.width),
    y: Math.min(Math.max(0, Math.round(box.y + dy)), size.height - box.height),
  };
}

/** A crop handle: which edges it moves. */
export type Handle = 'n' | 's' | 'e' | 'w' | 'ne' | 'nw' | 'se' | 'sw';

/**
 * The box after dragging `handle` by (dx, dy) image pixels: inside the image, at least MIN_SIDE, and of `ratio`
 * (width / height) when one is locked, anchored at the opposite corner or edge.
 */
export function resizeBox(box: Box, handle: Handle, dx: number, dy: number, size: Size, ratio: number | null): Box {
  let left = box.x;
  let top = box.y;
  let right = box.x + box.width;
  let bottom = box.y + box.height;
  if (handle.includes('w')) left = Math.min(Math.max(0, left + dx), right - MIN_SIDE);
  if (handle.includes('e')) right = Math.max(Math.min(size.width, right + dx), left + MIN_SIDE);
  if (handle.includes('n')) top = Math.min(Math.max(0, top + dy), bottom - MIN_SIDE);
  if (handle.includes('s')) bottom = Math.max(Math.min(size.height, bottom + dy), top + MIN_SIDE);
  if (ratio === null) return { x: Math.round(left), y: Math.round(top), width: Math.round(right - left), height: Math.round(bottom - top) };

  // A locked ratio: the dragged dimension leads (a corner: the larger change); the other follows, limited by the
  // room the image leaves on the anchored side.
  const horizontal = handle === 'e' || handle === 'w' || (handle.length === 2 && Math.abs(dx) >= Math.abs(dy) * ratio);
  let width = right - left;
  let height = bottom - top;
  const roomX = handle.includes('w') ? right : size.width - left;
  const roomY = handle.includes('n') ? bottom : size.height - top;
  if (horizontal) height = width / ratio;
  else width = height * ratio;
  const fit = Math.min(1, roomX / width, roomY / height);
  width = Math.max(MIN_SIDE, Math.floor(width * fit));
  height = Math.max(MIN_SIDE, Math.round(width / ratio));
  if (height > roomY) {
    height = Math.floor(roomY);
    width = Math.max(MIN_SIDE, Math.round(height * ratio));
  }
  const x = handle.includes('w') ? right - width : handle.length === 1 && !horizontal ? box.x + (box.width - width) / 2 : left;
  const y = handle.includes('n') ? bottom - height : handle.length === 1 && horizontal ? box.y + (box.height - height) / 2 : top;
  const clampedX = Math.min(Math.max(0, Math.round(x)), size.width - width);
  const clampedY = Math.min(Math.max(0, Math.round(y)), size.height - height);
  return { x: clampedX, y: clampedY, width, height };
}

/**
 * The size a resize gives (the server's `resize_size`): one side given keeps the aspect; both fit inside that box.
 * Returns the problem instead when the server would refuse it.
 */
export function resizeResult(size: Size, width: number | null, height: number | null): { size: Size } | { problem: string } {
  if (width === null && height === null) return { problem: 'Give a width, a height, or both.' };
  if ((width !== null && (!Number.isInteger(width) || width < 1)) || (height !== null && (!Number.isInteger(height) || height < 1)))
    return { problem: 'Use whole pixels, at least 1.' };
  const scale = Math.min(width !== null ? width / size.width : Infinity, height !== null ? height / size.height : Infinity);
  if (scale > 1) return { problem: `The image is ${size.width} × ${size.height}; resizing only makes it smaller (use Upscale).` };
  const result = { width: Math.max(1, roundHalfEven(size.width * scale)), height: Math.max(1, roundHalfEven(size.height * scale)) };
  if (Math.min(result.width, result.height) < MIN_SIDE) return { problem: `The result would be smaller than ${MIN_SIDE} pixels on a side.` };
  return { size: result };
}

export type Rotation = 0 | 90 | 180 | 270;

/** A pending turn of the image: a clockwise rotation, then an optional horizontal mirror. */
export interface Orientation {
  rotate: Rotation;
  flip: boolean;
}

export const UPRIGHT: Orientation = { rotate: 0, flip: false };

/** Turned a quarter clockwise (or back). */
export function rotateBy(orientation: Orientation, clockwise: boolean): Orientation {
  // Turning a mirrored image clockwise is the mirror of turning it the other way.
  const step = clockwise !== orientation.flip ? 90 : 270;
  return { ...orientation, rotate: (((orientation.rotate + step) % 360) as Rotation) };
}

/** Mirrored left to right (`horizontal`) or top to bottom. */
export function flipBy(orientation: Orientation, horizontal: boolean): Orientation {
  // A vertical flip is a horizontal one turned half-way round.
  const rotate = horizontal ? orientation.rotate : (((orientation.rotate + 180) % 360) as Rotation);
  return { rotate, flip: !orientation.flip };
}

/**
 * The server operations that make an orientation, in order: rotate first, then flip (so at most two revisions;
 * any mix of turns and mirrors reduces to this).
 */
export function orientationSteps(orientation: Orientation): Array<{ operation: 'rotate'; params: { degrees: 90 | 180 | 270 } } | { operation: 'flip'; params: { direction: 'horizontal' } }> {
  const steps: ReturnType<typeof orientationSteps> = [];
  if (orientation.rotate !== 0) steps.push({ operation: 'rotate', params: { degrees: orientation.rotate } });
  if (orientation.flip) steps.push({ operation: 'flip', params: { direction: 'horizontal' } });
  return steps;
}

/** The CSS transform that previews an orientation (rotate, then mirror the result). */
export function orientationTransform(orientation: Orientation): string {
  return `${orientation.flip ? 'scaleX(-1) ' : ''}rotate(${orientation.rotate}deg)`;
}

export function orientedSize(size: Size, orientation: Orientation): Size {
  return orientation.rotate % 180 === 0 ? size : { width: size.height, height: size.width };
}
