import { describe, expect, it } from 'vitest';

import { aspectBox, cropProblem, flipBy, moveBox, orientationSteps, resizeBox, resizeResult, rotateBy, roundHalfEven, UPRIGHT } from './geometry';

describe('editor geometry', () => {
  it('rounds halves to even, like the server', () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2, 3]);
  });

  it('finds the largest centred box of an aspect preset, as api/assets/editor.py aspect_box does', () => {
    expect(aspectBox({ width: 1024, height: 768 }, '1:1')).toEqual({ x: 128, y: 0, width: 768, height: 768 });
    expect(aspectBox({ width: 1024, height: 768 }, '4:5')).toEqual({ x: 205, y: 0, width: 614, height: 768 });
    expect(aspectBox({ width: 1000, height: 1000 }, '16:9')).toEqual({ x: 0, y: 219, width: 1000, height: 562 });
  });

  it('says why a crop box would be refused', () => {
    const size = { width: 100, height: 80 };
    expect(cropProblem(size, { x: 0, y: 0, width: 100, height: 80 })).toBeNull();
    expect(cropProblem(size, { x: 95, y: 0, width: 10, height: 10 })).toMatch(/outside the 100 × 80 image/);
    expect(cropProblem(size, { x: 0, y: 0, width: 4, height: 40 })).toMatch(/at least 8 × 8/);
  });

  it('moves and resizes boxes inside the image, keeping a locked ratio', () => {
    const size = { width: 400, height: 300 };
    expect(moveBox({ x: 10, y: 10, width: 100, height: 100 }, 500, -50, size)).toEqual({ x: 300, y: 0, width: 100, height: 100 });
    expect(resizeBox({ x: 0, y: 0, width: 100, height: 100 }, 'se', 50, 10, size, null)).toEqual({ x: 0, y: 0, width: 150, height: 110 });
    const square = resizeBox({ x: 0, y: 0, width: 100, height: 100 }, 'se', 500, 20, size, 1);
    expect(square.width).toBe(square.height);
    expect(square.height).toBeLessThanOrEqual(300);
    const tall = resizeBox({ x: 100, y: 100, width: 80, height: 100 }, 'nw', -40, -10, size, 0.8);
    expect(tall.width / tall.height).toBeCloseTo(0.8, 1);
    expect(tall.x + tall.width).toBe(180);
    expect(tall.y + tall.height).toBe(200);
  });

  it('works out a resize the way the server does, and only ever smaller', () => {
    expect(resizeResult({ width: 1024, height: 768 }, 512, null)).toEqual({ size: { width: 512, height: 384 } });
    expect(resizeResult({ width: 1024, height: 768 }, null, 100)).toEqual({ size: { width: 133, height: 100 } });
    const problem = (result: ReturnType<typeof resizeResult>) => ('problem' in result ? result.problem : null);
    expect(problem(resizeResult({ width: 1024, height: 768 }, 2000, null))).toMatch(/only makes it smaller/);
    expect(problem(resizeResult({ width: 1024, height: 768 }, 4, null))).toMatch(/smaller than 8 pixels/);
  });

  it('reduces any mix of turns and mirrors to at most a rotation and a flip', () => {
    expect(orientationSteps(UPRIGHT)).toEqual([]);
    expect(orientationSteps(rotateBy(UPRIGHT, true))).toEqual([{ operation: 'rotate', params: { degrees: 90 } }]);
    expect(orientationSteps(rotateBy(UPRIGHT, false))).toEqual([{ operation: 'rotate', params: { degrees: 270 } }]);
    // A vertical flip is a half turn and a horizontal mirror; twice is nothing.
    const vertical = flipBy(UPRIGHT, false);
    expect(orientationSteps(vertical)).toEqual([
      { operation: 'rotate', params: { degrees: 180 } },
      { operation: 'flip', params: { direction: 'horizontal' } },
    ]);
    expect(orientationSteps(flipBy(vertical, false))).toEqual([]);
    // Mirror, then turn right: the same as turning left, then mirroring.
    expect(rotateBy(flipBy(UPRIGHT, true), true)).toEqual({ rotate: 270, flip: true });
    expect(rotateBy(rotateBy(rotateBy(rotateBy(UPRIGHT, true), true), true), true)).toEqual(UPRIGHT);
  });
});
