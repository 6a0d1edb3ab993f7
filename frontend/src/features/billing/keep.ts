/**
 * Choosing the products that stay active through a downgrade. The API archives (never deletes) the active products
 * beyond the new plan's slots when the downgrade applies: the chosen ones stay, then the oldest others, so the
 * newest go first. The review starts from that same default, so "Save" without changes keeps what would be kept.
 */

export interface KeepCandidate {
  id: string;
  created_at: string;
}

/** The ids to keep at first: an earlier choice (still active ones, up to `slots`), else the `slots` oldest. */
export function initialKeep(products: readonly KeepCandidate[], slots: number, chosen?: readonly string[] | null): string[] {
  const active = new Set(products.map((product) => product.id));
  if (chosen && chosen.length > 0) return chosen.filter((id) => active.has(id)).slice(0, slots);
  return [...products]
    .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id))
    .slice(0, slots)
    .map((product) => product.id);
}

/** Ticks or unticks one product; a tick beyond the slots is refused (the same set comes back). */
export function toggleKeep(selected: ReadonlySet<string>, id: string, slots: number): Set<string> {
  const next = new Set(selected);
  if (next.has(id)) next.delete(id);
  else if (next.size < slots) next.add(id);
  return next;
}

export interface KeepSummary {
  /** Products ticked to stay. */
  chosen: number;
  /** Archived when the downgrade applies: always those beyond the slots, whichever they are. */
  archived: number;
  /** Slots left unticked: the API fills them with the oldest products not ticked. */
  filledByAge: number;
  full: boolean;
}

export function keepSummary(total: number, selected: number, slots: number): KeepSummary {
  const chosen = Math.min(selected, slots);
  const staying = Math.min(total, slots);
  return { chosen, archived: Math.max(0, total - slots), filledByAge: Math.max(0, staying - chosen), full: chosen >= slots };
}
