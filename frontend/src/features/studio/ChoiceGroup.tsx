import { type ReactNode, useId } from 'react';

import { cx } from '@/lib/cx';

export interface Choice {
  value: string;
  label: ReactNode;
  /** A second line under the label (a price, a size). */
  detail?: ReactNode;
  /** Drawn before the label (the aspect ratio's frame). */
  visual?: ReactNode;
  disabled?: boolean;
  /** Why it is disabled, shown as a tooltip and read with the option. */
  reason?: string;
}

interface ChoiceGroupProps {
  legend: ReactNode;
  name: string;
  value: string;
  choices: Choice[];
  onChange: (value: string) => void;
  error?: string | null;
  hint?: ReactNode;
  variant?: 'cards' | 'segmented' | 'chips';
  disabled?: boolean;
  className?: string;
}

/** One choice out of a few, as native radio buttons (arrow keys move between them) drawn as cards or segments. */
export function ChoiceGroup({ legend, name, value, choices, onChange, error, hint, variant = 'segmented', disabled, className }: ChoiceGroupProps) {
  const id = useId();
  const describedBy = [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset className={cx('choice-group', `choice-group--${variant}`, error && 'choice-group--invalid', className)} aria-describedby={describedBy} disabled={disabled}>
      <legend className="field-label">{legend}</legend>
      <div className="choice-options">
        {choices.map((choice) => (
          <label
            key={choice.value}
            className={cx('choice', choice.value === value && 'choice--on', choice.disabled && 'choice--disabled')}
            title={choice.reason}
          >
            <input
              type="radio"
              className="choice-input"
              name={`${name}-${id}`}
              value={choice.value}
              checked={choice.value === value}
              disabled={choice.disabled}
              onChange={() => onChange(choice.value)}
            />
            {choice.visual}
            <span className="choice-text">
              <span className="choice-label">{choice.label}</span>
              {choice.detail && <span className="choice-detail">{choice.detail}</span>}
              {choice.disabled && choice.reason && <span className="visually-hidden">{`(${choice.reason})`}</span>}
            </span>
          </label>
        ))}
      </div>
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
      {hint && (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      )}
    </fieldset>
  );
}

/** A small frame in the shape of an aspect ratio ("16:9"), fitted in a square of `size` pixels. */
export function RatioFrame({ ratio, size = 26 }: { ratio: string; size?: number }) {
  const [w = 1, h = 1] = ratio.split(':').map(Number);
  const width = w >= h ? size : Math.round((size * w) / h);
  const height = w >= h ? Math.round((size * h) / w) : size;
  return (
    <span className="ratio-frame-box" aria-hidden="true" style={{ width: size, height: size }}>
      <span className="ratio-frame" style={{ width, height }} />
    </span>
  );
}
