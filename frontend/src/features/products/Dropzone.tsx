import { type DragEvent, useId, useRef, useState } from 'react';

import { Button } from '@/components/ui';
import { cx } from '@/lib/cx';

import { UploadIcon } from './icons';
import { ACCEPT_ATTRIBUTE } from './uploadQueue';

interface DropzoneProps {
  /** Also the file input's accessible name. */
  label: string;
  hint?: string;
  onFiles: (files: File[]) => void;
  disabled?: boolean;
  compact?: boolean;
}

/** Drop files here, or choose them; many at once. */
export function Dropzone({ label, hint, onFiles, disabled = false, compact = false }: DropzoneProps) {
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const hintId = useId();

  const over = (event: DragEvent) => {
    if (disabled) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };

  return (
    <div
      className={cx('dropzone', dragging && 'dropzone--active', compact && 'dropzone--compact', disabled && 'dropzone--disabled')}
      onDragEnter={over}
      onDragOver={over}
      onDragLeave={() => setDragging(false)}
      onDrop={(event) => {
        event.preventDefault();
        setDragging(false);
        if (!disabled) onFiles(Array.from(event.dataTransfer.files));
      }}
    >
      <span className="dropzone-icon" aria-hidden="true">
        <UploadIcon />
      </span>
      <div className="dropzone-text">
        <p className="dropzone-title">{label}</p>
        {hint && (
          <p className="dropzone-hint" id={hintId}>
            {hint}
          </p>
        )}
      </div>
      <Button size="sm" onClick={() => input.current?.click()} disabled={disabled}>
        Choose files
      </Button>
      <input
        ref={input}
        className="visually-hidden"
        type="file"
        multiple
        accept={ACCEPT_ATTRIBUTE}
        aria-label={label}
        aria-describedby={hint ? hintId : undefined}
        disabled={disabled}
        tabIndex={-1}
        onChange={(event) => {
          onFiles(Array.from(event.target.files ?? []));
          event.target.value = '';
        }}
      />
    </div>
  );
}
