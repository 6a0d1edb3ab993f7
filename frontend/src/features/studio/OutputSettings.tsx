import type { CostTableOut, GenerationOptionsOut, ProviderOptionOut } from '@/client/types.gen';
import { SelectField } from '@/components/ui';
import { creditsLabel } from '@/features/credits/hooks';

import { ChoiceGroup, RatioFrame } from './ChoiceGroup';
import { imageCredits, providerLabel, type StudioChoices, type StudioField } from './studio';

const QUALITY_PIXELS: Record<string, string> = { '1k': '1,024 px', '2k': '2,048 px', '4k': '4,096 px' };

/** A saved collection keeps its format (aspect ratio, quality); the provider and the image count are chosen per run. */
export type OutputPart = 'provider' | 'format' | 'variants';
const ALL_PARTS: readonly OutputPart[] = ['provider', 'format', 'variants'];

interface OutputSettingsProps {
  options: GenerationOptionsOut;
  provider: ProviderOptionOut | undefined;
  choices: Pick<StudioChoices, 'provider' | 'aspectRatio' | 'quality' | 'variants'>;
  costs: CostTableOut | undefined;
  onChange: (changes: Partial<StudioChoices>) => void;
  errors: Partial<Record<StudioField, string>>;
  disabled?: boolean;
  parts?: readonly OutputPart[];
}

/** Provider, aspect ratio (drawn as frames), quality with its price, and how many images. */
export function OutputSettings({ options, provider, choices, costs, onChange, errors, disabled, parts = ALL_PARTS }: OutputSettingsProps) {
  const name = provider ? providerLabel(provider.name) : 'This provider';
  const unsupported = `Not available with ${name}`;
  const shows = (part: OutputPart) => parts.includes(part);
  return (
    <div className="stack output-settings">
      {shows('provider') && (
        <SelectField
          label="Provider"
          value={choices.provider}
          onChange={(event) => onChange({ provider: event.target.value })}
          error={errors.provider}
          hint={
            options.providers.length === 1
              ? `${providerLabel(options.providers[0]?.name ?? '')} is the provider set up for this workspace.`
              : shows('format')
                ? 'Options a provider cannot make are greyed out.'
                : undefined
          }
          disabled={disabled}
          className="output-provider"
        >
          {options.providers.map((p) => (
            <option key={p.name} value={p.name}>
              {providerLabel(p.name)}
              {p.name === options.default_provider ? ' (default)' : ''}
            </option>
          ))}
        </SelectField>
      )}
      {shows('format') && (
        <ChoiceGroup
          legend="Aspect ratio"
          name="aspect-ratio"
          variant="cards"
          value={choices.aspectRatio}
          onChange={(aspectRatio) => onChange({ aspectRatio })}
          error={errors.aspect_ratio}
          disabled={disabled}
          choices={options.aspect_ratios.map((ratio) => {
            const off = provider ? !provider.aspect_ratios.includes(ratio) : false;
            return { value: ratio, label: ratio, visual: <RatioFrame ratio={ratio} />, disabled: off, reason: off ? unsupported : undefined };
          })}
        />
      )}
      <div className="output-row">
        {shows('format') && (
          <ChoiceGroup
            legend="Quality"
            name="quality"
            value={choices.quality}
            onChange={(quality) => onChange({ quality })}
            error={errors.quality}
            disabled={disabled}
            choices={options.qualities.map((quality) => {
              const off = provider ? !provider.qualities.includes(quality) : false;
              const each = imageCredits(costs, quality);
              return {
                value: quality,
                label: quality.toUpperCase(),
                detail: each === null ? QUALITY_PIXELS[quality] : `${creditsLabel(each)} each`,
                disabled: off,
                reason: off ? unsupported : undefined,
              };
            })}
          />
        )}
        {shows('variants') && (
          <ChoiceGroup
            legend="Images"
            name="variants"
            value={String(choices.variants)}
            onChange={(variants) => onChange({ variants: Number(variants) })}
            error={errors.variants}
            disabled={disabled}
            choices={Array.from({ length: Math.max(1, options.max_variants) }, (_, index) => ({
              value: String(index + 1),
              label: String(index + 1),
            }))}
          />
        )}
      </div>
    </div>
  );
}
