import { useId } from 'react';
import { Link } from 'react-router';

import type { Category } from './hooks';

export interface CategorySelection {
  ids: string[];
  primary: string | null;
}

/** Tick a category to add it; toggling keeps exactly one primary while any is ticked. */
export function toggleCategory(selection: CategorySelection, id: string): CategorySelection {
  if (selection.ids.includes(id)) {
    const ids = selection.ids.filter((x) => x !== id);
    return { ids, primary: selection.primary === id ? (ids[0] ?? null) : selection.primary };
  }
  const ids = [...selection.ids, id];
  return { ids, primary: selection.primary ?? id };
}

interface CategoryPickerProps {
  categories: Category[];
  value: CategorySelection;
  onChange: (value: CategorySelection) => void;
  error?: string | null;
  disabled?: boolean;
}

export function CategoryPicker({ categories, value, onChange, error, disabled }: CategoryPickerProps) {
  const id = useId();
  const names = new Map(categories.map((c) => [c.id, c.name]));
  return (
    <fieldset className="field category-picker" aria-describedby={error ? `${id}-error` : undefined} disabled={disabled}>
      <legend className="field-label">Categories</legend>
      {categories.length === 0 ? (
        <p className="field-hint">
          No categories yet. <Link to="/products/categories">Create one</Link> to group products.
        </p>
      ) : (
        <ul className="category-options">
          {categories.map((category) => {
            const checked = value.ids.includes(category.id);
            return (
              <li key={category.id} className="category-option">
                <label className="check">
                  <input type="checkbox" checked={checked} onChange={() => onChange(toggleCategory(value, category.id))} />
                  {category.name}
                </label>
                {checked && (
                  <label className="check check--muted">
                    <input
                      type="radio"
                      name={`${id}-primary`}
                      checked={value.primary === category.id}
                      onChange={() => onChange({ ...value, primary: category.id })}
                      aria-label={`Primary category: ${category.name}`}
                    />
                    Primary
                  </label>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {value.primary && names.has(value.primary) && (
        <p className="field-hint">Generation settings come from the primary category: {names.get(value.primary)}.</p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
