import { describe, expect, it } from 'vitest';

import { niceTicks } from './charts';
import { addDays, checkRange, defaultGroup, isDay, rangeDays, readPeriod } from './period';

describe('usage periods', () => {
  it('counts days across month ends and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(rangeDays('2026-01-01', '2026-01-01')).toBe(1);
    expect(rangeDays('2024-01-01', '2025-12-31')).toBe(731);
    expect(isDay('2026-02-30')).toBe(false);
    expect(isDay('2026-2-3')).toBe(false);
  });

  it('refuses missing, inverted and over-long ranges like the API', () => {
    expect(checkRange('', '2026-01-01')).toEqual({ from: 'Pick the first day.' });
    expect(checkRange('2026-01-02', '2026-01-01')).toEqual({ to: 'The last day must be on or after the first day.' });
    expect(checkRange('2024-01-01', '2025-12-31')).toEqual({});
    expect(checkRange('2024-01-01', '2026-01-01')).toEqual({ to: 'Pick at most two years (731 days).' });
  });

  it('reads presets and custom ranges from the URL, with a readable default grouping', () => {
    const today = '2026-11-30';
    expect(readPeriod(new URLSearchParams(), today)).toMatchObject({ preset: '30d', from: '2026-11-01', to: today, groupBy: 'day' });
    expect(readPeriod(new URLSearchParams('period=12m'), today)).toMatchObject({ from: '2025-12-01', groupBy: 'week' });
    expect(readPeriod(new URLSearchParams('period=7d&group=month'), today)).toMatchObject({ from: '2026-11-24', groupBy: 'month' });
    expect(readPeriod(new URLSearchParams('period=custom&from=2025-01-01&to=2026-06-30'), today)).toMatchObject({ groupBy: 'month', errors: {} });
    expect(readPeriod(new URLSearchParams('period=custom&from=2026-05-01'), today).errors).toEqual({ to: 'Pick the last day.' });
    expect(defaultGroup('2026-01-01', '2026-04-02')).toBe('day');
    expect(defaultGroup('2026-01-01', '2026-04-03')).toBe('week');
  });

  it('puts chart ticks on round numbers of whole credits', () => {
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(3)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(130)).toEqual([0, 50, 100, 150]);
    expect(niceTicks(9_000)).toEqual([0, 2500, 5000, 7500, 10000]);
  });
});
