import { describe, expect, it } from 'vitest';

import { chunks, EMPTY_SELECTION, moveFocus, type Selection, type SelectionAction, selectionReducer } from './selection';

const ORDER = ['a', 'b', 'c', 'd', 'e', 'f'];
const run = (...actions: SelectionAction[]): Selection => actions.reduce(selectionReducer, EMPTY_SELECTION);
const ids = (selection: Selection) => [...selection.ids].sort();

describe('selection', () => {
  it('toggles one asset per click and selects ranges with shift from the last click', () => {
    expect(ids(run({ type: 'toggle', id: 'b' }, { type: 'range', id: 'e', order: ORDER }))).toEqual(['b', 'c', 'd', 'e']);
    // Shift-clicking again re-draws from the same anchor, backwards too.
    expect(ids(run({ type: 'toggle', id: 'c' }, { type: 'range', id: 'a', order: ORDER }))).toEqual(['a', 'b', 'c']);
    // A range with nothing clicked before selects just that one.
    expect(ids(run({ type: 'range', id: 'd', order: ORDER }))).toEqual(['d']);
    expect(ids(run({ type: 'toggle', id: 'b' }, { type: 'toggle', id: 'b' }))).toEqual([]);
  });

  it('selects every loaded asset, every matching one, exactly some, and clears', () => {
    expect(ids(run({ type: 'all-loaded', order: ORDER }))).toEqual(ORDER);
    const matching = run({ type: 'all-matching', ids: [...ORDER, 'g', 'h'] });
    expect(matching.allMatching).toBe(true);
    expect(matching.ids.size).toBe(8);
    // Touching one asset makes it an ordinary selection again.
    expect(selectionReducer(matching, { type: 'toggle', id: 'a' }).allMatching).toBe(false);
    expect(ids(run({ type: 'all-loaded', order: ORDER }, { type: 'only', ids: ['c'] }))).toEqual(['c']);
    expect(ids(run({ type: 'all-loaded', order: ORDER }, { type: 'remove', ids: ['a', 'b'] }))).toEqual(['c', 'd', 'e', 'f']);
    expect(run({ type: 'all-loaded', order: ORDER }, { type: 'clear' })).toEqual(EMPTY_SELECTION);
  });

  it('cuts large selections into batches the API takes', () => {
    const many = Array.from({ length: 1201 }, (_, i) => String(i));
    expect(chunks(many, 500).map((chunk) => chunk.length)).toEqual([500, 500, 201]);
  });

  it('moves focus with the arrow keys in a grid, stopping at the edges', () => {
    expect(moveFocus(0, 'ArrowRight', 10, 4)).toBe(1);
    expect(moveFocus(1, 'ArrowDown', 10, 4)).toBe(5);
    expect(moveFocus(8, 'ArrowDown', 10, 4)).toBeNull();
    expect(moveFocus(0, 'ArrowLeft', 10, 4)).toBeNull();
    expect(moveFocus(5, 'Home', 10, 4)).toBe(0);
    expect(moveFocus(5, 'End', 10, 4)).toBe(9);
    expect(moveFocus(5, 'x', 10, 4)).toBeNull();
  });
});
