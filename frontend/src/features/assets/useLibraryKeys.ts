import type { KeyboardEvent } from 'react';

import { moveFocus, type SelectionAction } from './selection';

const TYPING = 'input:not([type="checkbox"]), textarea, select, [contenteditable="true"]';

/** How many previews sit in the first row (a table is one column). */
function columnsOf(items: HTMLElement[]): number {
  if (items.length === 0) return 1;
  const top = items[0].getBoundingClientRect().top;
  const first = items.findIndex((item) => item.getBoundingClientRect().top !== top);
  return first === -1 ? items.length : first;
}

/**
 * The library's keyboard: arrows (and Home/End) move between assets, Shift+arrow extends the selection, Space selects
 * the focused asset (Shift+Space a range), Enter opens it, Ctrl/Cmd+A selects every loaded asset, Escape clears.
 */
export function useLibraryKeys({ order, hasSelection, dispatch }: { order: readonly string[]; hasSelection: boolean; dispatch: (action: SelectionAction) => void }) {
  return (event: KeyboardEvent<HTMLElement>) => {
    const target = event.target as HTMLElement;
    if (target.closest(TYPING)) return;
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'a') {
      event.preventDefault();
      dispatch({ type: 'all-loaded', order });
      return;
    }
    if (event.key === 'Escape' && hasSelection) {
      event.preventDefault();
      dispatch({ type: 'clear' });
      return;
    }
    const id = target.closest<HTMLElement>('[data-asset-id]')?.dataset.assetId;
    if (!id) return;
    if (event.key === ' ' && target.matches('[data-asset-open]')) {
      // Space on a preview selects it (opening is Enter or a click).
      event.preventDefault();
      dispatch(event.shiftKey ? { type: 'range', id, order } : { type: 'toggle', id });
      return;
    }
    const items = Array.from(event.currentTarget.querySelectorAll<HTMLElement>('[data-asset-open]'));
    const index = items.findIndex((item) => item.dataset.assetOpen === id);
    if (index < 0) return;
    const next = moveFocus(index, event.key, items.length, columnsOf(items));
    if (next === null) return;
    event.preventDefault();
    items[next].focus();
    const nextId = items[next].dataset.assetOpen;
    if (event.shiftKey && nextId) {
      if (!hasSelection) dispatch({ type: 'set', id, selected: true });
      dispatch({ type: 'range', id: nextId, order });
    }
  };
}
