import { type KeyboardEvent, useId, useState } from 'react';

import type { BubbleOptionOut } from '@/client/types.gen';
import { CloseIcon } from '@/components/icons';
import { Button } from '@/components/ui';
import { cx } from '@/lib/cx';

import { CheckIcon, PlusIcon } from './icons';
import { type BubbleValues, clearBubble, type StudioField, toggleBubbleValue } from './studio';

interface BubbleEditorProps {
  bubbles: BubbleOptionOut[];
  values: BubbleValues;
  onChange: (values: BubbleValues) => void;
  /** The product's own values per bubble (its defaults), shown where this session sets nothing. */
  defaults?: Record<string, string[]>;
  errors?: Partial<Record<StudioField, string>>;
  disabled?: boolean;
}

const PLACEHOLDERS: Record<string, string> = {
  reference: 'e.g. like a Kinfolk magazine spread, then Enter',
  custom: 'e.g. steam rising from a coffee cup, then Enter',
};

/**
 * The ten scene bubbles: presets as chips plus the person's own words. A single bubble (style, lighting, ...)
 * holds one value, so choosing another replaces it; an additive one (palette, references, custom) collects.
 */
export function BubbleEditor({ bubbles, values, onChange, defaults = {}, errors = {}, disabled = false }: BubbleEditorProps) {
  const chosen = bubbles.filter((b) => (values[b.type] ?? []).length > 0).length;
  return (
    <div className="bubble-editor">
      <div className="bubble-editor-head">
        <p className="muted bubble-editor-note">
          {chosen > 0 ? `${chosen} of ${bubbles.length} set here. ` : ''}Empty ones use your product and category defaults.
        </p>
        {chosen > 0 && (
          <Button size="sm" variant="ghost" onClick={() => onChange({})} disabled={disabled}>
            Clear all
          </Button>
        )}
      </div>
      <ul className="bubble-list">
        {bubbles.map((bubble) => (
          <li key={bubble.type}>
            <BubbleRow
              bubble={bubble}
              values={values[bubble.type] ?? []}
              fallback={defaults[bubble.type]?.join(', ') || null}
              error={errors[`bubble:${bubble.type}`]}
              disabled={disabled}
              onToggle={(value) => onChange(toggleBubbleValue(values, bubble, value))}
              onClear={() => onChange(clearBubble(values, bubble.type))}
            />
          </li>
        ))}
      </ul>
    </div>
  );
}

interface BubbleRowProps {
  bubble: BubbleOptionOut;
  values: string[];
  fallback: string | null;
  error?: string;
  disabled: boolean;
  onToggle: (value: string) => void;
  onClear: () => void;
}

function BubbleRow({ bubble, values, fallback, error, disabled, onToggle, onClear }: BubbleRowProps) {
  const id = useId();
  const noPresets = bubble.presets.length === 0;
  const [adding, setAdding] = useState(false);
  const [draft, setDraft] = useState('');
  const custom = values.filter((value) => !bubble.presets.some((p) => p.toLowerCase() === value.toLowerCase()));
  const isOn = (preset: string) => values.some((v) => v.toLowerCase() === preset.toLowerCase());
  const label = bubble.label.toLowerCase();
  const describedBy = [error ? `${id}-error` : '', `${id}-hint`].filter(Boolean).join(' ');

  const add = () => {
    const text = draft.trim();
    if (!text) return;
    if (!isOn(text)) onToggle(text);
    setDraft('');
    if (!noPresets) setAdding(false);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      add();
    } else if (event.key === 'Escape' && !noPresets) {
      event.preventDefault();
      setDraft('');
      setAdding(false);
    }
  };

  return (
    <fieldset className={cx('bubble', error && 'bubble--invalid')} aria-describedby={describedBy} disabled={disabled}>
      <legend className="bubble-label">{bubble.label}</legend>
      <div className="bubble-meta">
        <span id={`${id}-hint`} className="bubble-kind">
          {bubble.additive ? 'Pick any' : 'Pick one'}
          {values.length === 0 && fallback ? ` · default: ${fallback}` : ''}
        </span>
        {values.length > 0 && (
          <button type="button" className="bubble-clear" onClick={onClear} aria-label={`Clear ${label}`}>
            Clear
          </button>
        )}
      </div>
      <div className="chips">
        {bubble.presets.map((preset) => {
          const on = isOn(preset);
          return (
            <button key={preset} type="button" className={cx('chip', on && 'chip--on')} aria-pressed={on} onClick={() => onToggle(preset)}>
              {on && <CheckIcon width={14} height={14} />}
              {preset}
            </button>
          );
        })}
        {custom.map((value) => (
          <span key={value} className="chip chip--on chip--custom">
            <span>{value}</span>
            <button type="button" className="chip-remove" aria-label={`Remove ${value}`} onClick={() => onToggle(value)}>
              <CloseIcon width={14} height={14} />
            </button>
          </span>
        ))}
        {noPresets || adding ? (
          <span className="chip-input">
            <input
              className="input chip-input-field"
              aria-label={`${bubble.label} in your words`}
              placeholder={PLACEHOLDERS[bubble.type] ?? 'Your own words, then Enter'}
              value={draft}
              maxLength={300}
              autoFocus={adding}
              onChange={(event) => setDraft(event.target.value)}
              onKeyDown={onKeyDown}
            />
            <Button size="sm" onClick={add} disabled={!draft.trim()}>
              Add
            </Button>
          </span>
        ) : (
          <button type="button" className="chip chip--add" onClick={() => setAdding(true)} aria-label={`${bubble.label} in your words`}>
            <PlusIcon width={14} height={14} />
            Custom
          </button>
        )}
      </div>
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
