import { type ComponentProps, useState } from 'react';

import { Input } from '@/components/ui';

interface NumberInputProps extends Omit<ComponentProps<'input'>, 'value' | 'onChange' | 'type'> {
  value: number;
  /** Called with every whole value typed that `isValid` takes; what is half typed ("-", "0.") waits. */
  onValue: (value: number) => void;
  isValid?: (value: number) => boolean;
}

/**
 * A number field that lets people type freely: a half-typed value (an empty field, a lone minus sign) stays as typed
 * until it is a number, and the field shows the real value again when it loses focus.
 */
export function NumberInput({ value, onValue, isValid = () => true, onBlur, ...rest }: NumberInputProps) {
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <Input
      {...rest}
      type="number"
      value={draft ?? String(value)}
      onChange={(event) => {
        const raw = event.target.value;
        setDraft(raw);
        const parsed = Number(raw);
        if (raw.trim() !== '' && Number.isFinite(parsed) && isValid(parsed)) onValue(parsed);
      }}
      onBlur={(event) => {
        setDraft(null);
        onBlur?.(event);
      }}
    />
  );
}
