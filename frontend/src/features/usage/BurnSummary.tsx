import { creditsLabel } from '@/features/credits/hooks';

import { type Burn, formatDays, formatRate } from './hooks';
import { formatDay } from './period';

/** "3.2 credits a day over the last 14 days. At this pace your 42 credits last 13 days, until about 3 Mar 2026." */
export function BurnSummary({ burn }: { burn: Burn }) {
  if (burn.credits_per_day <= 0)
    return <p className="burn-summary">No credits used in the last {burn.window_days} days, so there is no run-out date.</p>;
  let outlook = null;
  if (burn.available <= 0) outlook = 'No credits are left.';
  else if (burn.runs_out_on && burn.days_left !== null)
    outlook = (
      <>
        At this pace your {creditsLabel(burn.available)} last {formatDays(burn.days_left)}, until about{' '}
        <strong>{formatDay(burn.runs_out_on)}</strong>.
      </>
    );
  return (
    <p className="burn-summary">
      <strong>{formatRate(burn.credits_per_day)} credits a day</strong> over the last {burn.window_days} days. {outlook}
    </p>
  );
}
