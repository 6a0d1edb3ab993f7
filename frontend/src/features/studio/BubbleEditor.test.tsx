import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';

import type { BubbleOptionOut } from '@/client/types.gen';
import { generationOptions } from '@/test/studio';

import { BubbleEditor } from './BubbleEditor';
import type { BubbleValues } from './studio';

const bubbles = generationOptions().bubbles as BubbleOptionOut[];

function Harness({ onValues, defaults }: { onValues: (values: BubbleValues) => void; defaults?: Record<string, string[]> }) {
  const [values, setValues] = useState<BubbleValues>({});
  return (
    <BubbleEditor
      bubbles={bubbles}
      values={values}
      defaults={defaults}
      errors={{ 'bubble:mood': 'Mood takes a single value' }}
      onChange={(next) => {
        setValues(next);
        onValues(next);
      }}
    />
  );
}

function setup(defaults?: Record<string, string[]>) {
  let latest: BubbleValues = {};
  const user = userEvent.setup();
  render(<Harness defaults={defaults} onValues={(values) => (latest = values)} />);
  return { user, values: () => latest };
}

describe('Bubble editor', () => {
  it('shows all ten bubbles, saying which take one value and which take several', () => {
    setup();
    expect(screen.getAllByRole('group', { name: /.+/ }).filter((g) => g.tagName === 'FIELDSET')).toHaveLength(10);
    expect(screen.getByRole('group', { name: 'Lighting' })).toHaveTextContent('Pick one');
    expect(screen.getByRole('group', { name: 'Color palette' })).toHaveTextContent('Pick any');
  }, 30_000);

  it('keeps one choice in a single bubble: another preset or your own words replace it', async () => {
    const { user, values } = setup();
    const style = within(screen.getByRole('group', { name: 'Style' }));
    await user.click(style.getByRole('button', { name: 'Modern' }));
    expect(style.getByRole('button', { name: 'Modern' })).toHaveAttribute('aria-pressed', 'true');
    await user.click(style.getByRole('button', { name: 'Rustic' }));
    expect(style.getByRole('button', { name: 'Modern' })).toHaveAttribute('aria-pressed', 'false');
    expect(style.getByRole('button', { name: 'Rustic' })).toHaveAttribute('aria-pressed', 'true');
    expect(values().style).toEqual(['Rustic']);

    await user.click(style.getByRole('button', { name: 'Style in your words' }));
    await user.type(style.getByRole('textbox', { name: 'Style in your words' }), 'Japandi{Enter}');
    expect(values().style).toEqual(['Japandi']);
    expect(style.getByRole('button', { name: 'Rustic' })).toHaveAttribute('aria-pressed', 'false');
    expect(style.getByText('Japandi')).toBeInTheDocument();

    await user.click(style.getByRole('button', { name: 'Clear style' }));
    expect(values().style).toBeUndefined();
    expect(style.queryByText('Japandi')).not.toBeInTheDocument();
  }, 30_000);

  it('collects several values in an additive bubble, presets and your own words', async () => {
    const { user, values } = setup();
    const palette = within(screen.getByRole('group', { name: 'Color palette' }));
    await user.click(palette.getByRole('button', { name: 'Sage green' }));
    await user.click(palette.getByRole('button', { name: 'Terracotta' }));
    await user.click(palette.getByRole('button', { name: 'Color palette in your words' }));
    await user.type(palette.getByRole('textbox', { name: 'Color palette in your words' }), 'Dusty rose');
    await user.click(palette.getByRole('button', { name: 'Add' }));
    expect(values().color_palette).toEqual(['Sage green', 'Terracotta', 'Dusty rose']);
    expect(palette.getByRole('button', { name: 'Sage green' })).toHaveAttribute('aria-pressed', 'true');
    expect(palette.getByRole('button', { name: 'Terracotta' })).toHaveAttribute('aria-pressed', 'true');

    await user.click(palette.getByRole('button', { name: 'Remove Dusty rose' }));
    await user.click(palette.getByRole('button', { name: 'Sage green' }));
    expect(values().color_palette).toEqual(['Terracotta']);

    // Bubbles without presets take words straight away, one after the other.
    const custom = within(screen.getByRole('group', { name: 'Custom' }));
    const field = custom.getByRole('textbox', { name: 'Custom in your words' });
    await user.type(field, 'steam rising from a mug{Enter}');
    await user.type(field, 'rain on the window{Enter}');
    expect(values().custom).toEqual(['steam rising from a mug', 'rain on the window']);

    await user.click(screen.getByRole('button', { name: 'Clear all' }));
    expect(values()).toEqual({});
  }, 30_000);

  it('shows the product default where nothing is set, and an error next to its bubble', () => {
    setup({ lighting: ['Golden hour'] });
    expect(screen.getByRole('group', { name: 'Lighting' })).toHaveTextContent('default: Golden hour');
    const mood = screen.getByRole('group', { name: 'Mood' });
    expect(mood).toHaveTextContent('Mood takes a single value');
    expect(mood).toHaveAccessibleDescription(/Mood takes a single value/);
  }, 30_000);
});
