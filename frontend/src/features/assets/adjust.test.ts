import { describe, expect, it } from 'vitest';

import { adjustmentModel, adjustParams, adjustPixels, type Adjustments, NO_ADJUSTMENTS, UnsupportedFormulas } from './adjust';
import { SERVED_ADJUSTMENTS } from './testing';

// A 4 x 3 image and what the server (api/assets/editor.py, numpy) makes of it for each adjustment.
const SOURCE = [
  [241, 160, 175], [229, 148, 198], [213, 57, 14], [76, 72, 223],
  [233, 1, 127], [210, 33, 204], [30, 119, 209], [77, 87, 71],
  [184, 65, 253], [113, 122, 129], [149, 141, 130], [254, 206, 202],
];
const SERVER: Record<string, [Partial<Adjustments>, number[][]]> = {
  exposure: [{ exposure: 0.7 }, [[255, 255, 255], [255, 240, 255], [255, 93, 23], [123, 117, 255], [255, 2, 206], [255, 54, 255], [49, 193, 255], [125, 141, 115], [255, 106, 255], [184, 198, 210], [242, 229, 211], [255, 255, 255]]],
  brightness: [{ brightness: -0.15 }, [[203, 122, 137], [191, 110, 160], [175, 19, 0], [38, 34, 185], [195, 0, 89], [172, 0, 166], [0, 81, 171], [39, 49, 33], [146, 27, 215], [75, 84, 91], [111, 103, 92], [216, 168, 164]]],
  contrast: [{ contrast: 0.4 }, [[255, 173, 194], [255, 156, 226], [247, 29, 0], [55, 50, 255], [255, 0, 127], [243, 0, 235], [0, 116, 242], [57, 71, 48], [207, 40, 255], [107, 120, 130], [158, 146, 131], [255, 237, 232]]],
  saturation: [{ saturation: -0.6 }, [[203, 171, 177], [193, 160, 180], [137, 75, 58], [81, 79, 139], [129, 36, 86], [134, 63, 131], [76, 112, 148], [81, 85, 79], [136, 88, 164], [118, 121, 124], [145, 142, 137], [231, 212, 210]]],
  warmth: [{ warmth: 0.8 }, [[255, 160, 147], [255, 148, 166], [247, 57, 12], [88, 72, 187], [255, 1, 107], [244, 33, 171], [35, 119, 176], [89, 87, 60], [213, 65, 213], [131, 122, 108], [173, 141, 109], [255, 206, 170]]],
  sharpness: [{ sharpness: 1.5 }, [[250, 220, 179], [252, 208, 255], [255, 15, 0], [41, 68, 255], [255, 0, 57], [255, 0, 255], [0, 142, 255], [17, 49, 0], [188, 70, 255], [61, 161, 72], [153, 147, 94], [255, 255, 255]]],
  all: [
    { exposure: 0.7, brightness: -0.15, contrast: 0.4, saturation: -0.6, warmth: 0.8, sharpness: 1.5 },
    [[255, 255, 255], [255, 255, 255], [186, 0, 0], [57, 60, 161], [120, 0, 31], [142, 0, 92], [1, 172, 189], [26, 29, 0], [198, 67, 146], [185, 222, 155], [255, 255, 190], [255, 255, 255]],
  ],
};

function rgba(pixels: number[][], alpha: (index: number) => number = () => 255): Uint8ClampedArray {
  return new Uint8ClampedArray(pixels.flatMap((pixel, index) => [...pixel, alpha(index)]));
}

function rgb(data: Uint8ClampedArray): number[][] {
  const result: number[][] = [];
  for (let i = 0; i < data.length; i += 4) result.push([data[i], data[i + 1], data[i + 2]]);
  return result;
}

describe('adjustments in the browser', () => {
  const model = adjustmentModel(SERVED_ADJUSTMENTS);

  it.each(Object.entries(SERVER))('give the server’s bytes for %s', (_name, [values, expected]) => {
    const out = adjustPixels(rgba(SOURCE), 4, 3, { ...NO_ADJUSTMENTS, ...values }, model);
    expect(rgb(out)).toEqual(expected);
  });

  it('leave alpha alone and return the pixels unchanged for no adjustment', () => {
    const source = rgba(SOURCE, (index) => index * 20);
    const out = adjustPixels(source, 4, 3, { ...NO_ADJUSTMENTS, exposure: 1 }, model);
    expect(Array.from(out).filter((_, i) => i % 4 === 3)).toEqual(SOURCE.map((_, index) => index * 20));
    expect(adjustPixels(source, 4, 3, NO_ADJUSTMENTS, model)).toEqual(source);
    expect(() => adjustPixels(source, 5, 3, NO_ADJUSTMENTS, model)).toThrow(RangeError);
  });

  it('read the served document, and refuse formulas they do not implement', () => {
    expect(model.order).toEqual(['exposure', 'brightness', 'contrast', 'saturation', 'warmth', 'sharpness']);
    expect(model.ranges.exposure).toEqual([-3, 3]);
    expect(model.ranges.sharpness).toEqual([0, 2]);
    expect(model.kernel).toEqual([1, 2, 1]);
    expect(() => adjustmentModel({ ...SERVED_ADJUSTMENTS, version: 2 })).toThrow(UnsupportedFormulas);
    const blurred = structuredClone(SERVED_ADJUSTMENTS);
    blurred.steps.sharpness.kernel = [
      [0, 1, 0],
      [1, 4, 1],
      [0, 1, 0],
    ];
    expect(() => adjustmentModel(blurred)).toThrow(UnsupportedFormulas);
  });

  it('send only the adjustments that do something', () => {
    expect(adjustParams({ ...NO_ADJUSTMENTS, contrast: 0.2, warmth: -0.5 })).toEqual({ contrast: 0.2, warmth: -0.5 });
  });
});
