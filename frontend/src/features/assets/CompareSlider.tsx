import { type CSSProperties, useState } from 'react';

interface CompareSliderProps {
  /** The product photo the scene was made from. */
  before: { src: string; alt: string; width: number; height: number };
  /** The generated image. */
  after: { src: string; alt: string; width: number; height: number };
}

/**
 * The original product photo over the generated scene, split by a handle: drag anywhere on the image, or focus the
 * slider and use the arrow keys (Home and End jump to either side).
 */
export function CompareSlider({ before, after }: CompareSliderProps) {
  const [position, setPosition] = useState(50);
  const frame: CSSProperties = { aspectRatio: `${after.width} / ${after.height}` };
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
        Original
      </span>
      <span className="compare-tag compare-tag--after" aria-hidden="true">
        Generated
      </span>
      <input
        type="range"
        className="compare-range"
        min={0}
        max={100}
        step={1}
        value={position}
        aria-label="Compare with the original photo"
        aria-valuetext={`${position}% original photo`}
        onChange={(event) => setPosition(Number(event.target.value))}
      />
    </div>
  );
}
