import { useId } from 'react';
import { Link } from 'react-router';

import type { GenerationOptionsOut } from '@/client/types.gen';
import { Button, TextField } from '@/components/ui';
import type { Category } from '@/features/products/hooks';
import { BubbleEditor } from '@/features/studio/BubbleEditor';
import type { BubbleValues } from '@/features/studio/studio';

import { MAX_NAME, type SectionDraft, type SectionErrors } from './collections';

interface SectionEditorProps {
  section: SectionDraft;
  index: number;
  options: GenerationOptionsOut;
  categories: Category[];
  /** The shared look's bubbles, shown where the section sets nothing. */
  shared: BubbleValues;
  onChange: (changes: Partial<SectionDraft>) => void;
  onRemove: () => void;
  errors?: SectionErrors;
  disabled?: boolean;
}

const toggled = (list: string[], value: string) => (list.includes(value) ? list.filter((x) => x !== value) : [...list, value]);

/** One section: which products it is for (categories, scene types) and the bubbles they get on top of the shared look. */
export function SectionEditor({ section, index, options, categories, shared, onChange, onRemove, errors, disabled }: SectionEditorProps) {
  const id = useId();
  const label = section.name.trim() || `Section ${index + 1}`;
  return (
    <section className="collection-section" aria-label={`Section: ${label}`}>
      <div className="collection-section-head">
        <TextField
          label="Section name"
          value={section.name}
          maxLength={MAX_NAME}
          onChange={(event) => onChange({ name: event.target.value })}
          error={errors?.name}
          disabled={disabled}
          className="grow"
        />
        <Button size="sm" variant="ghost" onClick={onRemove} disabled={disabled} aria-label={`Remove section ${label}`}>
          Remove
        </Button>
      </div>
      <div className="collection-section-match">
        <fieldset className="field check-group" aria-describedby={`${id}-categories-hint${errors?.categories ? ` ${id}-categories-error` : ''}`} disabled={disabled}>
          <legend className="field-label">Categories</legend>
          {categories.length === 0 ? (
            <p className="field-hint">
              No categories yet. <Link to="/products/categories">Create some</Link> to give groups of products their own look.
            </p>
          ) : (
            <ul className="check-options">
              {categories.map((category) => (
                <li key={category.id}>
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={section.categoryIds.includes(category.id)}
                      onChange={() => onChange({ categoryIds: toggled(section.categoryIds, category.id) })}
                    />
                    {category.name}
                  </label>
                </li>
              ))}
            </ul>
          )}
          <p id={`${id}-categories-hint`} className="field-hint">
            {section.categoryIds.length === 0 ? 'None ticked: the section is for every product.' : 'For products in any ticked category.'}
          </p>
          {errors?.categories && (
            <p id={`${id}-categories-error`} className="field-error">
              {errors.categories}
            </p>
          )}
        </fieldset>
        <fieldset className="field check-group" aria-describedby={`${id}-scenes-hint${errors?.sceneTypes ? ` ${id}-scenes-error` : ''}`} disabled={disabled}>
          <legend className="field-label">Scene types</legend>
          <ul className="check-options">
            {options.scene_types.map((scene) => (
              <li key={scene.value}>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={section.sceneTypes.includes(scene.value)}
                    onChange={() => onChange({ sceneTypes: toggled(section.sceneTypes, scene.value) })}
                  />
                  {scene.label}
                </label>
              </li>
            ))}
          </ul>
          <p id={`${id}-scenes-hint`} className="field-hint">
            {section.sceneTypes.length === 0 ? 'None ticked: any scene type.' : 'Only when the product is staged in a ticked scene type.'}
          </p>
          {errors?.sceneTypes && (
            <p id={`${id}-scenes-error`} className="field-error">
              {errors.sceneTypes}
            </p>
          )}
        </fieldset>
      </div>
      <BubbleEditor
        bubbles={options.bubbles}
        values={section.bubbles}
        onChange={(bubbles) => onChange({ bubbles })}
        defaults={Object.fromEntries(Object.entries(shared).flatMap(([type, values]) => (values ? [[type, values]] : [])))}
        errors={errors?.fields}
        disabled={disabled}
      />
      {errors?.general && <p className="field-error">{errors.general}</p>}
    </section>
  );
}
