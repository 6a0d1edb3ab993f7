import type { CostTableOut, VideoOptionsOut } from '@/client/types.gen';
import { SelectField } from '@/components/ui';
import { creditsLabel } from '@/features/credits/hooks';
import { ChoiceGroup, RatioFrame } from '@/features/studio/ChoiceGroup';
import { providerLabel } from '@/features/studio/studio';

import { clipCredits, providerDurations, type VideoChoices, type VideoField, type VideoProvider } from './video';

const RESOLUTION_SIZES: Record<string, string> = { '720p': '1280 × 720', '1080p': '1920 × 1080' };

interface VideoOutputProps {
  video: VideoOptionsOut;
  defaultProvider: string;
  provider: VideoProvider | undefined;
  choices: VideoChoices;
  costs: CostTableOut | undefined;
  maxClips: number;
  onChange: (changes: Partial<VideoChoices>) => void;
  errors: Partial<Record<VideoField, string>>;
  disabled?: boolean;
}

/**
 * Provider (only those that make videos), aspect ratio, resolution with its price, length, frame rate and how many
 * clips; what the chosen provider cannot make is greyed out with the reason.
 */
export function VideoOutput({ video, defaultProvider, provider, choices, costs, maxClips, onChange, errors, disabled }: VideoOutputProps) {
  const unsupported = `Not available with ${provider ? providerLabel(provider.name) : 'this provider'}`;
  const durations = providerDurations(provider, choices.resolution);
  const lengths = Array.from({ length: video.max_duration_s - video.min_duration_s + 1 }, (_, index) => video.min_duration_s + index);
  return (
    <div className="stack output-settings">
      <SelectField
        label="Provider"
        value={choices.provider}
        onChange={(event) => onChange({ provider: event.target.value })}
        error={errors.provider}
        hint={
          video.providers.length === 1
            ? `${providerLabel(video.providers[0]?.name ?? '')} is the provider that makes videos here.`
            : 'Only providers that make videos are listed; what one cannot make is greyed out.'
        }
        disabled={disabled}
        className="output-provider"
      >
        {video.providers.map((p) => (
          <option key={p.name} value={p.name}>
            {providerLabel(p.name)}
            {p.name === defaultProvider ? ' (default)' : ''}
          </option>
        ))}
      </SelectField>
      <ChoiceGroup
        legend="Aspect ratio"
        name="video-aspect"
        variant="cards"
        value={choices.aspectRatio}
        onChange={(aspectRatio) => onChange({ aspectRatio })}
        error={errors.aspect_ratio}
        disabled={disabled}
        choices={video.aspect_ratios.map((ratio) => {
          const off = provider ? !provider.aspect_ratios.includes(ratio) : false;
          return { value: ratio, label: ratio, visual: <RatioFrame ratio={ratio} />, disabled: off, reason: off ? unsupported : undefined };
        })}
      />
      <div className="output-row">
        <ChoiceGroup
          legend="Resolution"
          name="video-resolution"
          value={choices.resolution}
          onChange={(resolution) => onChange({ resolution })}
          error={errors.resolution}
          disabled={disabled}
          choices={video.resolutions.map((resolution) => {
            const off = provider ? !provider.resolutions.includes(resolution) : false;
            const each = clipCredits(costs, resolution);
            return {
              value: resolution,
              label: resolution,
              detail: each === null ? RESOLUTION_SIZES[resolution] : `${creditsLabel(each)} a clip`,
              disabled: off,
              reason: off ? unsupported : undefined,
            };
          })}
        />
        <ChoiceGroup
          legend="Frame rate"
          name="video-fps"
          value={String(choices.fps)}
          onChange={(fps) => onChange({ fps: Number(fps) })}
          error={errors.fps}
          disabled={disabled}
          choices={video.frame_rates.map((fps) => {
            const off = provider ? !provider.frame_rates.includes(fps) : false;
            return { value: String(fps), label: `${fps} fps`, disabled: off, reason: off ? unsupported : undefined };
          })}
        />
        <ChoiceGroup
          legend="Clips"
          name="video-clips"
          value={String(choices.variants)}
          onChange={(variants) => onChange({ variants: Number(variants) })}
          error={errors.variants}
          disabled={disabled}
          choices={Array.from({ length: Math.max(1, maxClips) }, (_, index) => ({ value: String(index + 1), label: String(index + 1) }))}
        />
      </div>
      <ChoiceGroup
        legend="Length"
        name="video-duration"
        variant="chips"
        value={String(choices.durationS)}
        onChange={(duration) => onChange({ durationS: Number(duration) })}
        error={errors.duration_s}
        hint={provider && durations.length < lengths.length ? `${providerLabel(provider.name)} makes ${choices.resolution} clips of ${durations.map((d) => `${d} s`).join(', ')}.` : undefined}
        disabled={disabled}
        choices={lengths.map((seconds) => {
          const off = provider ? !durations.includes(seconds) : false;
          return { value: String(seconds), label: `${seconds} s`, disabled: off, reason: off ? `${unsupported} at ${choices.resolution}` : undefined };
        })}
      />
    </div>
  );
}
