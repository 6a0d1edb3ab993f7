import './billing.css';

import type { ReactNode } from 'react';

import { Badge } from '@/components/ui';
import { cx } from '@/lib/cx';

import { CheckIcon, DashIcon } from './icons';
import {
  type CostRate,
  creditsBuy,
  formatNumber,
  type Interval,
  isFree,
  type Plan,
  planPrice,
  plural,
  seatsLabel,
  yearlySavingPercent,
} from './plans';

interface IntervalToggleProps {
  value: Interval;
  onChange: (interval: Interval) => void;
  /** The best yearly saving among the plans shown, in percent (0 hides the hint). */
  savingPercent?: number;
}

/** Monthly or yearly prices, as two pressed-or-not buttons. */
export function IntervalToggle({ value, onChange, savingPercent = 0 }: IntervalToggleProps) {
  return (
    <div className="segmented interval-toggle" role="group" aria-label="Billing interval">
      <button
        type="button"
        className={cx('segmented-item', value === 'month' && 'segmented-item--active')}
        aria-pressed={value === 'month'}
        onClick={() => onChange('month')}
      >
        Monthly
      </button>
      <button
        type="button"
        className={cx('segmented-item', value === 'year' && 'segmented-item--active')}
        aria-pressed={value === 'year'}
        onClick={() => onChange('year')}
      >
        Yearly
        {savingPercent > 0 && <span className="interval-toggle-saving">save {savingPercent}%</span>}
      </button>
    </div>
  );
}

export function bestSavingPercent(plans: readonly Plan[]): number {
  return Math.max(0, ...plans.map(yearlySavingPercent));
}

interface PlanCardsProps {
  plans: readonly Plan[];
  interval: Interval;
  /** The cost table, to say what the included credits buy. */
  rates?: readonly CostRate[];
  /** The workspace's plan now (marked "Current plan"). */
  currentCode?: string | null;
  /** A plan to draw the eye to: the one picked on the pricing page, or the most popular. */
  highlight?: string | null;
  highlightLabel?: string;
  /** The button (or link) of each card. */
  action: (plan: Plan) => ReactNode;
  /** Headings of the cards: h2 on the pricing page, h3 under a section heading. */
  headingLevel?: 2 | 3;
}

/** The plans side by side: price for the interval, what is included, and one action each. */
export function PlanCards({
  plans,
  interval,
  rates = [],
  currentCode = null,
  highlight = null,
  highlightLabel = 'Most popular',
  action,
  headingLevel = 3,
}: PlanCardsProps) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <ul className="plan-cards" aria-label="Plans">
      {plans.map((plan) => {
        const price = planPrice(plan, interval);
        const free = isFree(plan);
        const current = plan.code === currentCode;
        const highlighted = !current && plan.code === highlight;
        // A free plan (the trial) grants its credits once at sign-up, rather than every month.
        const trial = free ? plan.trial : null;
        const buys = creditsBuy(free ? (trial?.credits ?? 0) : plan.monthly_credits, rates);
        return (
          <li
            key={plan.code}
            className={cx('plan-card', highlighted && 'plan-card--highlight', current && 'plan-card--current')}
            aria-label={plan.name}
            data-plan={plan.code}
          >
            <div className="plan-card-head">
              <Heading className="plan-card-name">{plan.name}</Heading>
              {current ? (
                <Badge tone="success">Current plan</Badge>
              ) : highlighted ? (
                <Badge tone="accent">{highlightLabel}</Badge>
              ) : null}
            </div>
            <p className="plan-card-price">
              <span className="plan-card-amount" data-testid={`price-${plan.code}`}>
                {free ? 'Free' : price.amount}
              </span>
              {!free && <span className="plan-card-per">{price.per}</span>}
            </p>
            <p className="plan-card-note">
              {free ? `${trial ? `${plural(trial.days, 'day')} to try Epox` : 'Try Epox'}, no card needed` : price.note}
              {price.saving && (
                <>
                  {' '}
                  <span className="plan-card-saving">Save {price.saving}</span>
                </>
              )}
            </p>
            <ul className="plan-card-features">
              <Feature>
                <strong>{formatNumber(plan.product_slots)}</strong> product slots
              </Feature>
              <Feature>
                {free ? (
                  trial ? (
                    <>
                      <strong>{formatNumber(trial.credits)}</strong> {trial.credits === 1 ? 'credit' : 'credits'} to try, valid{' '}
                      {plural(trial.days, 'day')}
                    </>
                  ) : (
                    'No free credits'
                  )
                ) : (
                  <>
                    <strong>{formatNumber(plan.monthly_credits)}</strong> credits a month
                    {interval === 'year' && price.interval === 'year' && (
                      <span className="plan-card-sub">
                        {formatNumber(plan.monthly_credits * 12)} up front each year
                      </span>
                    )}
                  </>
                )}
                {buys && <span className="plan-card-sub">{buys}</span>}
              </Feature>
              <Feature>{seatsLabel(plan.limits.seats)}</Feature>
              <Feature>
                {formatNumber(plan.limits.concurrent_jobs)} {plan.limits.concurrent_jobs === 1 ? 'job' : 'jobs'} at a time
              </Feature>
              <Feature included={plan.limits.api_access}>{plan.limits.api_access ? 'API access' : 'No API access'}</Feature>
            </ul>
            <div className="plan-card-action">{action(plan)}</div>
          </li>
        );
      })}
    </ul>
  );
}

function Feature({ included = true, children }: { included?: boolean; children: ReactNode }) {
  return (
    <li className={cx('plan-feature', !included && 'plan-feature--off')}>
      {included ? <CheckIcon className="plan-feature-icon" /> : <DashIcon className="plan-feature-icon" />}
      <span>{children}</span>
    </li>
  );
}
