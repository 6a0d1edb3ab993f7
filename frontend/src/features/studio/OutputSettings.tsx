import type { CostTableOut, GenerationOptionsOut, ProviderOptionOut } from '@/client/types.gen';
import { SelectField } from '@/components/ui';
import { creditsLabel } from '@/features/credits/hooks';

import { ChoiceGroup, RatioFrame } from './ChoiceGroup';
import { imageCredits, providerLabel, type StudioChoices, type StudioField } from './studio';

const QUALITY_PIXELS: Record<string, string> = { '1k': '1,024 px', '2k': '2,048 px', '4k': '4,096 px' };

interface OutputSettingsProps {
  options: GenerationOptionsOut;
  provider: ProviderOptionOut | undefined;
  choices: StudioChoices;
  costs: CostTableOut | undefined;
  onChange: (changes: Partial<StudioChoices>) => void;
  errors: Partial<Record<StudioField, string>>;
  disabled?: boolean;
}

/** Provider, aspect ratio (drawn as frames), quality with its price, and how many images. */
export function OutputSettings({ options, provider, choices, costs, onChange, errors, disabled }: OutputSettingsProps) {
  const name = provider ? providerLabel(provider.name) : 'This provider';
  const unsupported = `Not available with ${name}`;
  return (
    <div className="stack output-settings">
      <SelectField
        label="Provider"
        value={choices.provider}
        onChange={(event) => onChange({ provider: event.target.value })}
        error={errors.provider}
        hint={
          options.providers.length === 1
            ? `${providerLabel(options.providers[0]?.name ?? '')} is the provider set up for this workspace.`
            : 'Options a provider cannot make are greyed out.'
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
      <div className="output-row">
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
      </div>
    </div>
  );
}
