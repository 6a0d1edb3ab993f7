import { type CSSProperties, useState } from 'react';

interface CompareSliderProps {
  /** The product photo the scene was made from. */
  before: { src: string; alt: string; width: number; height: number };
  /** The generated image. */
  after: { src: string; alt: string; width: number; height: number };
  /** What the two sides are: the product photo and the generated scene by default; a revision and its parent too. */
  labels?: { before: string; after: string; slider: string; position: (percent: number) => string };
}

const PHOTO_LABELS = {
  before: 'Original',
  after: 'Generated',
  slider: 'Compare with the original photo',
  position: (percent: number) => `${percent}% original photo`,
};

/** The frame of an image of this shape: as wide as it can be while no taller than the viewport allows. */
export function compareFrame(width: number, height: number): CSSProperties {
  return { aspectRatio: `${width} / ${height}`, width: `min(100%, calc(68vh * ${width / height}))` };
}

/**
 * The original product photo over the generated scene (or an edit's parent over the edit), split by a handle: drag
 * anywhere on the image, or focus the slider and use the arrow keys (Home and End jump to either side).
 */
export function CompareSlider({ before, after, labels = PHOTO_LABELS }: CompareSliderProps) {
  const [position, setPosition] = useState(50);
  const frame: CSSProperties = compareFrame(after.width, after.height);
  // Close shapes line up edge to edge; a very different one (a square photo against a 21:9 scene) is shown whole.
  const mismatch = (after.width / after.height) / (before.width / before.height || 1);
  const fit = Math.max(mismatch, 1 / mismatch) <= 1.5 ? 'cover' : 'contain';
  return (
    <div className="compare" style={frame}>
      <img className="compare-img" src={after.src} alt={after.alt} />
      <div className="compare-before" style={{ clipPath: `inset(0 ${100 - position}% 0 0)` }}>
        <img className="compare-img" style={{ objectFit: fit }} src={before.src} alt={before.alt} />
      </div>
      <div className="compare-handle" style={{ left: `${position}%` }} aria-hidden="true">
        <span className="compare-knob" />
      </div>
      <span className="compare-tag compare-tag--before" aria-hidden="true">
        {labels.before}
      </span>
      <span className="compare-tag compare-tag--after" aria-hidden="true">
        {labels.after}
      </span>
      <input
        type="range"
        className="compare-range"
        min={0}
        max={100}
        step={1}
        value={position}
        aria-label={labels.slider}
        aria-valuetext={labels.position(position)}
        onChange={(event) => setPosition(Number(event.target.value))}
      />
    </div>
  );
}
