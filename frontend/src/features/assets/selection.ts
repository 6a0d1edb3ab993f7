/**
 * Which assets are selected on the Assets page, as a pure reducer: click toggles one, shift-click selects the range
 * from the last clicked one, Ctrl/Cmd-A selects every loaded one, "select all matching" every one the filters match
 * (the ids are fetched by the page), `only` exactly these (say, the ones a batch could not do), Escape clears. `order` is the assets as shown, for ranges.
 */

export interface Selection {
  ids: ReadonlySet<string>;
  /** Where the next shift-click range starts: the last asset clicked without shift. */
  anchor: string | null;
  /** Every asset matching the filters is selected (`ids` holds them all, beyond the loaded pages). */
  allMatching: boolean;
}

export const EMPTY_SELECTION: Selection = { ids: new Set(), anchor: null, allMatching: false };

export type SelectionAction =
  | { type: 'toggle'; id: string }
  | { type: 'range'; id: string; order: readonly string[] }
  | { type: 'set'; id: string; selected: boolean }
  | { type: 'all-loaded'; order: readonly string[] }
  | { type: 'all-matching'; ids: readonly string[] }
  | { type: 'only'; ids: readonly string[] }
  | { type: 'remove'; ids: readonly string[] }
  | { type: 'clear' };

export function selectionReducer(state: Selection, action: SelectionAction): Selection {
  switch (action.type) {
    case 'toggle': {
      const ids = new Set(state.ids);
      if (ids.has(action.id)) ids.delete(action.id);
      else ids.add(action.id);
      return { ids, anchor: action.id, allMatching: false };
    }
    case 'set': {
      if (state.ids.has(action.id) === action.selected) return { ...state, anchor: action.id };
      return selectionReducer(state, { type: 'toggle', id: action.id });
    }
    case 'range': {
      const to = action.order.indexOf(action.id);
      const from = state.anchor === null ? -1 : action.order.indexOf(state.anchor);
      if (to < 0) return state;
      if (from < 0) return selectionReducer(state, { type: 'set', id: action.id, selected: true });
      const ids = new Set(state.ids);
      const [start, end] = from <= to ? [from, to] : [to, from];
      for (const id of action.order.slice(start, end + 1)) ids.add(id);
      // The anchor stays: shift-clicking again re-draws the range from the same place.
      return { ids, anchor: state.anchor, allMatching: false };
    }
    case 'all-loaded':
      return { ids: new Set(action.order), anchor: state.anchor, allMatching: false };
    case 'all-matching':
      return { ids: new Set(action.ids), anchor: state.anchor, allMatching: true };
    case 'only':
      return { ids: new Set(action.ids), anchor: null, allMatching: false };
    case 'remove': {
      if (!action.ids.some((id) => state.ids.has(id))) return state;
      const ids = new Set(state.ids);
      for (const id of action.ids) ids.delete(id);
      return { ids, anchor: state.anchor !== null && ids.has(state.anchor) ? state.anchor : null, allMatching: state.allMatching };
    }
    case 'clear':
      return EMPTY_SELECTION;
  }
}

/** The ids in `size`-long chunks (the batch endpoint takes up to 500 at a time). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/** Which item the arrow keys move to in a grid of `columns` columns (a list is one column); null at an edge. */
export function moveFocus(index: number, key: string, count: number, columns: number): number | null {
  const step: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -columns, ArrowDown: columns, Home: -index, End: count - 1 - index };
  const delta = step[key];
  if (delta === undefined) return null;
  const next = index + delta;
  return next >= 0 && next < count && next !== index ? next : null;
}
