import { Link } from 'react-router';

import { buttonClass, Card, ErrorState, LoadingBlock } from '@/components/ui';
import { BurnSummary } from '@/features/usage/BurnSummary';
import { useBurnRate } from '@/features/usage/hooks';
import { formatDate } from '@/lib/format';

import { creditsLabel, DRAW_DOWN_SUMMARY, formatCredits, useCreditBalance } from './hooks';

/** The burn rate and run-out date under the balance; quiet while loading or when it cannot be read. */
function BurnRate() {
  const burn = useBurnRate();
  if (!burn.data) return null;
  return (
    <div className="credit-burn">
      <BurnSummary burn={burn.data} />
    </div>
  );
}

/** The dashboard's credits card: what new work can use, what running jobs hold, what expires soon, and how long
 * the credits last at the recent pace. */
export function CreditsCard() {
  const balance = useCreditBalance();

  let body;
  if (balance.isPending) body = <LoadingBlock label="Loading credits" />;
  else if (balance.isError)
    body = (
      <ErrorState error={balance.error} what="your credits" onRetry={() => void balance.refetch()} retrying={balance.isFetching} />
    );
  else {
    const { available, held, shortfall, expiring_soon: expiring } = balance.data;
    body = (
      <>
        <dl className="credit-stats">
          <div className="credit-stat">
            <dt>Available</dt>
            <dd className="credit-stat-value" data-testid="credits-available">
              {formatCredits(available)}
            </dd>
            <dd className="credit-stat-note">for new images and videos</dd>
          </div>
          <div className="credit-stat">
            <dt>Held</dt>
            <dd className="credit-stat-value">{formatCredits(held)}</dd>
            <dd className="credit-stat-note">reserved by running jobs</dd>
          </div>
          <div className="credit-stat">
            <dt>Expiring soon</dt>
            <dd className="credit-stat-value">{formatCredits(expiring.credits)}</dd>
            <dd className="credit-stat-note">
              {expiring.credits > 0 && expiring.first_expires_at
                ? `from ${formatDate(expiring.first_expires_at)}`
                : `none in the next ${expiring.window_days} days`}
            </dd>
          </div>
        </dl>
        <BurnRate />
        {shortfall > 0 && (
          <p className="credit-shortfall" role="status">
            {creditsLabel(shortfall)} are owed after a refunded payment; your next top-up pays them first.
          </p>
        )}
        <p className="credit-drawdown">{DRAW_DOWN_SUMMARY} Credits held by a running job stay reserved for it.</p>
      </>
    );
  }

  return (
    <Card
      title="Credits"
      className="credits-card"
      description="What your workspace can spend on images and videos."
      actions={
        <div className="button-row">
          <Link to="/usage/credits" className={buttonClass('ghost', 'sm')}>
            Credit history
          </Link>
          <Link to="/billing" className={buttonClass('primary', 'sm')}>
            Buy credits
          </Link>
        </div>
      }
    >
      {body}
    </Card>
  );
}
