import type { CSSProperties } from 'react';

import type { OptionOut } from '@/client/types.gen';
import { ChoiceGroup } from '@/features/studio/ChoiceGroup';
import { providerLabel } from '@/features/studio/studio';
import { cx } from '@/lib/cx';

import { MOTION_HINTS, motionName, type VideoProvider } from './video';

interface MotionPreviewProps {
  motion: string;
  /** The still to move (a small preview URL); a neutral card stands in without one. */
  still: string | null;
  /** How long one pass of the move takes, in seconds (the clip's length in the frame preview). */
  seconds?: number;
  className?: string;
  style?: CSSProperties;
}

/**
 * The camera motion acted out on the still, looping (CSS only: nothing is rendered). With reduced motion asked for,
 * it holds still and the motion's name says what it does.
 */
export function MotionPreview({ motion, still, seconds = 3, className, style }: MotionPreviewProps) {
  return (
    <span className={cx('motion-preview', className)} style={style} aria-hidden="true">
      <span className={cx('motion-preview-layer', `motion--${motion}`)} style={{ animationDuration: `${seconds}s` }}>
        {still ? <img src={still} alt="" draggable={false} /> : <span className="motion-preview-blank" />}
      </span>
    </span>
  );
}

interface MotionPresetsProps {
  motions: OptionOut[];
  value: string;
  onChange: (motion: string) => void;
  provider: VideoProvider | undefined;
  still: string | null;
  error?: string | null;
  disabled?: boolean;
}

/** The camera motions as cards, each with a short looping preview of the chosen still moving that way. */
export function MotionPresets({ motions, value, onChange, provider, still, error, disabled }: MotionPresetsProps) {
  return (
    <ChoiceGroup
      legend="Camera motion"
      name="camera-motion"
      variant="cards"
      className="motion-presets"
      value={value}
      onChange={onChange}
      error={error}
      disabled={disabled}
      choices={motions.map((motion) => {
        const off = provider ? !provider.camera_motions.includes(motion.value) : false;
        return {
          value: motion.value,
          label: motionName(motion.label),
          detail: MOTION_HINTS[motion.value],
          visual: <MotionPreview motion={motion.value} still={still} />,
          disabled: off,
          reason: off && provider ? `Not available with ${providerLabel(provider.name)}` : undefined,
        };
      })}
    />
  );
}
