import { useId } from 'react';

import { Button } from '@/components/ui';

import { ADJUSTMENT_NAMES, type AdjustmentModel, type AdjustmentName, type Adjustments, isIdentity } from './adjust';
import { ADJUSTMENT_LABELS, signedValue } from './describe';
import { NumberInput } from './NumberInput';

/** Slider steps: exposure in twentieths of a stop, the rest in hundredths. */
const STEP: Record<AdjustmentName, number> = { exposure: 0.05, brightness: 0.01, contrast: 0.01, saturation: 0.01, warmth: 0.01, sharpness: 0.05 };
const HINT: Record<AdjustmentName, string> = {
  exposure: 'stops',
  brightness: '',
  contrast: '',
  saturation: '−1 is black and white',
  warmth: '',
  sharpness: '',
};

function Slider({ name, value, range, onChange }: { name: AdjustmentName; value: number; range: readonly [number, number]; onChange: (value: number) => void }) {
  const id = useId();
  const [low, high] = range;
  const label = ADJUSTMENT_LABELS[name];
  const set = (raw: string) => {
    const parsed = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(parsed)) return;
    onChange(Math.min(high, Math.max(low, parsed)));
  };
  return (
    <div className="adjust-row">
      <label className="adjust-label" htmlFor={id}>
        {label}
        {HINT[name] && <span className="adjust-hint"> ({HINT[name]})</span>}
      </label>
      <input
        id={id}
        type="range"
        className="adjust-range"
        min={low}
        max={high}
        step={STEP[name]}
        value={value}
        aria-valuetext={signedValue(value)}
        onChange={(event) => set(event.target.value)}
        onDoubleClick={() => onChange(0)}
      />
      <NumberInput
        className="adjust-number"
        aria-label={`${label} value`}
        min={low}
        max={high}
        step={STEP[name]}
        value={value}
        isValid={(typed) => typed >= low && typed <= high}
        onValue={onChange}
      />
    </div>
  );
}

interface AdjustControlsProps {
  values: Adjustments;
  model: AdjustmentModel | null;
  onChange: (values: Adjustments) => void;
}

/** Exposure, brightness, contrast, saturation, warmth and sharpness, within the server's ranges. */
export function AdjustControls({ values, model, onChange }: AdjustControlsProps) {
  if (!model) return null;
  return (
    <div className="editor-controls adjust-controls" role="group" aria-label="Adjustments">
      {ADJUSTMENT_NAMES.map((name) => (
        <Slider key={name} name={name} value={values[name]} range={model.ranges[name]} onChange={(value) => onChange({ ...values, [name]: value })} />
      ))}
      <div className="button-row">
        <Button size="sm" variant="ghost" disabled={isIdentity(values)} onClick={() => onChange(Object.fromEntries(ADJUSTMENT_NAMES.map((name) => [name, 0])) as Adjustments)}>
          Reset all
        </Button>
        <span className="muted editor-note">Double-click a slider to reset it.</span>
      </div>
    </div>
  );
}
