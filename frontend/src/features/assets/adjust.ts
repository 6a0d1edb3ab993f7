/**
 * The editor's adjustments computed in the browser, for a live preview that matches what the server makes on Apply.
 *
 * The formulas are the server's (api/assets/editor.py); their constants (order, ranges, luma weights, warmth gain,
 * sharpening kernel) come from `GET /assets/edit-options` `adjustments`, so the preview follows the server's data.
 * Values are the stored sRGB bytes scaled to 0..1 per channel, clamped to 0..1 after every step, written back as
 * `floor(v * 255 + 0.5)`; alpha is never touched. The working values are float32, as on the server, so the two
 * round alike.
 */

export const ADJUSTMENT_NAMES = ['exposure', 'brightness', 'contrast', 'saturation', 'warmth', 'sharpness'] as const;
export type AdjustmentName = (typeof ADJUSTMENT_NAMES)[number];
export type Adjustments = Record<AdjustmentName, number>;

/** The formula version this module implements; a server that describes another one gets no live preview. */
export const FORMULA_VERSION = 1;

export interface AdjustmentModel {
  order: AdjustmentName[];
  ranges: Record<AdjustmentName, readonly [number, number]>;
  luma: readonly [number, number, number];
  warmthGain: number;
  /** The 3x3 blur kernel of the unsharp mask, separable as [a b a] x [a b a]. */
  kernel: readonly [number, number, number];
  kernelDivisor: number;
}

export const NO_ADJUSTMENTS: Adjustments = { exposure: 0, brightness: 0, contrast: 0, saturation: 0, warmth: 0, sharpness: 0 };

export class UnsupportedFormulas extends Error {}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function numbers(value: unknown, length: number, what: string): number[] {
  if (!Array.isArray(value) || value.length !== length || !value.every(isNumber)) throw new UnsupportedFormulas(`${what} is not ${length} numbers`);
  return value;
}

/**
 * Reads the `adjustments` document of `GET /assets/edit-options`. Throws `UnsupportedFormulas` for a version or shape
 * this module does not implement (the editor then applies without a live preview rather than show a wrong one).
 */
export function adjustmentModel(document: Record<string, unknown>): AdjustmentModel {
  if (document.version !== FORMULA_VERSION) throw new UnsupportedFormulas(`formula version ${String(document.version)}`);
  const steps = document.steps;
  const order = document.order;
  if (!isRecord(steps) || !Array.isArray(order)) throw new UnsupportedFormulas('no steps');
  const known = new Set<string>(ADJUSTMENT_NAMES);
  if (order.length !== ADJUSTMENT_NAMES.length || !order.every((name) => typeof name === 'string' && known.has(name)))
    throw new UnsupportedFormulas('unknown steps');
  const ranges = {} as Record<AdjustmentName, readonly [number, number]>;
  for (const name of ADJUSTMENT_NAMES) {
    const step = steps[name];
    if (!isRecord(step)) throw new UnsupportedFormulas(`no ${name} step`);
    const [low, high] = numbers(step.range, 2, `${name} range`);
    ranges[name] = [low, high];
  }
  const sharpness = steps.sharpness as Record<string, unknown>;
  const kernel = sharpness.kernel;
  if (!Array.isArray(kernel) || kernel.length !== 3) throw new UnsupportedFormulas('kernel is not 3x3');
  const rows = kernel.map((row) => numbers(row, 3, 'kernel row'));
  const [a, b] = [rows[0][0], rows[0][1]];
  // Only the separable [a b a] x [a b a] kernel is implemented (the server's [1 2 1; 2 4 2; 1 2 1]).
  const separable = rows.every((row, i) => row.every((value, j) => value === [a, b, a][i] * [a, b, a][j] / a));
  if (!separable || a !== 1) throw new UnsupportedFormulas('kernel is not [1 b 1] x [1 b 1]');
  const divisor = sharpness.kernel_divisor;
  const gain = (steps.warmth as Record<string, unknown>).gain;
  if (!isNumber(divisor) || divisor <= 0 || !isNumber(gain)) throw new UnsupportedFormulas('missing constants');
  const luma = numbers((steps.saturation as Record<string, unknown>).luma, 3, 'luma');
  return {
    order: order as AdjustmentName[],
    ranges,
    luma: [luma[0], luma[1], luma[2]],
    warmthGain: gain,
    kernel: [1, b, 1],
    kernelDivisor: divisor,
  };
}

export function isIdentity(values: Adjustments): boolean {
  return ADJUSTMENT_NAMES.every((name) => values[name] === 0);
}

/** Values inside the model's ranges (the server refuses anything beyond them). */
export function clampAdjustments(values: Adjustments, model: AdjustmentModel): Adjustments {
  const result = { ...values };
  for (const name of ADJUSTMENT_NAMES) {
    const [low, high] = model.ranges[name];
    result[name] = Math.min(high, Math.max(low, values[name]));
  }
  return result;
}

/** The request's params: only the adjustments that do something. */
export function adjustParams(values: Adjustments): Partial<Adjustments> {
  return Object.fromEntries(ADJUSTMENT_NAMES.filter((name) => values[name] !== 0).map((name) => [name, values[name]]));
}

const f32 = Math.fround;

/** `floor(v * 255 + 0.5)`, each operation in float32 like the server's. */
const toByte = (v: number) => Math.floor(f32(f32(v * 255) + 0.5));

function clamp01(buffer: Float32Array) {
  for (let i = 0; i < buffer.length; i++) {
    const v = buffer[i];
    buffer[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
}

/** The unsharp mask's blur: [a b a] down, then across, over (`width` x `height`) of one channel, edges repeated. */
function blur(channel: Float32Array, width: number, height: number, model: AdjustmentModel, rows: Float32Array, out: Float32Array) {
  const [side, middle] = model.kernel;
  const divisor = f32(model.kernelDivisor);
  for (let y = 0; y < height; y++) {
    const above = (y === 0 ? 0 : y - 1) * width;
    const here = y * width;
    const below = (y === height - 1 ? y : y + 1) * width;
    for (let x = 0; x < width; x++) rows[here + x] = f32(f32(channel[above + x] * side + middle * channel[here + x]) + channel[below + x] * side);
  }
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const left = row + (x === 0 ? 0 : x - 1);
      const right = row + (x === width - 1 ? x : x + 1);
      out[row + x] = f32(f32(f32(rows[left] * side + middle * rows[row + x]) + rows[right] * side) / divisor);
    }
  }
}

/**
 * The adjustments applied to RGBA pixels (a canvas ImageData's `data`), in the model's order; returns new pixels of
 * the same size, alpha copied as it is.
 */
export function adjustPixels(
  pixels: Uint8ClampedArray,
  width: number,
  height: number,
  values: Adjustments,
  model: AdjustmentModel,
): Uint8ClampedArray {
  const count = width * height;
  if (pixels.length !== count * 4) throw new RangeError(`expected ${count * 4} values for ${width} x ${height} RGBA, got ${pixels.length}`);
  const out = new Uint8ClampedArray(pixels);
  if (isIdentity(values)) return out;
  const channels = [new Float32Array(count), new Float32Array(count), new Float32Array(count)];
  const [r, g, b] = channels;
  const scale = f32(255);
  for (let i = 0; i < count; i++) {
    r[i] = pixels[i * 4] / scale;
    g[i] = pixels[i * 4 + 1] / scale;
    b[i] = pixels[i * 4 + 2] / scale;
  }
  for (const step of model.order) {
    const value = values[step];
    if (value === 0) continue;
    if (step === 'exposure') {
      const factor = f32(2 ** value);
      for (const channel of channels) {
        for (let i = 0; i < count; i++) channel[i] = channel[i] * factor;
        clamp01(channel);
      }
    } else if (step === 'brightness') {
      const offset = f32(value);
      for (const channel of channels) {
        for (let i = 0; i < count; i++) channel[i] = channel[i] + offset;
        clamp01(channel);
      }
    } else if (step === 'contrast') {
      const factor = f32(1 + value);
      for (const channel of channels) {
        for (let i = 0; i < count; i++) channel[i] = f32(f32(channel[i] - 0.5) * factor) + 0.5;
        clamp01(channel);
      }
    } else if (step === 'saturation') {
      const factor = f32(1 + value);
      const [wr, wg, wb] = model.luma.map(f32);
      for (let i = 0; i < count; i++) {
        const luma = f32(f32(f32(r[i] * wr) + f32(g[i] * wg)) + f32(b[i] * wb));
        r[i] = luma + f32(f32(r[i] - luma) * factor);
        g[i] = luma + f32(f32(g[i] - luma) * factor);
        b[i] = luma + f32(f32(b[i] - luma) * factor);
      }
      for (const channel of channels) clamp01(channel);
    } else if (step === 'warmth') {
      const red = f32(1 + model.warmthGain * value);
      const blue = f32(1 - model.warmthGain * value);
      for (let i = 0; i < count; i++) {
        r[i] = r[i] * red;
        b[i] = b[i] * blue;
      }
      clamp01(r);
      clamp01(b);
    } else {
      const amount = f32(value);
      const rows = new Float32Array(count);
      const blurred = new Float32Array(count);
      for (const channel of channels) {
        blur(channel, width, height, model, rows, blurred);
        for (let i = 0; i < count; i++) channel[i] = channel[i] + f32(amount * f32(channel[i] - blurred[i]));
        clamp01(channel);
      }
    }
  }
  for (let i = 0; i < count; i++) {
    out[i * 4] = toByte(r[i]);
    out[i * 4 + 1] = toByte(g[i]);
    out[i * 4 + 2] = toByte(b[i]);
  }
  return out;
}
