import './billing.css';

import { Button } from '@/components/ui';
import { useSession } from '@/features/auth/session';
import { canManageWorkspace } from '@/lib/roles';

import { billingErrorMessage } from './errors';
import { usePortal, useSubscription } from './hooks';

/** How often the shell re-reads the subscription, so a fixed (or failed) card shows up without a reload. */
export const SUBSCRIPTION_REFRESH_MS = 5 * 60_000;

/**
 * Shown on every page while Stripe reports the subscription `past_due` (a renewal payment failed and Stripe is
 * retrying): owners and admins get a button to the billing portal to update the card. Silent while loading or when
 * the subscription can't be read.
 */
export function PastDueBanner() {
  const me = useSession();
  const subscription = useSubscription({ pollMs: SUBSCRIPTION_REFRESH_MS });
  const portal = usePortal();
  if (subscription.data?.status !== 'past_due') return null;
  const manage = canManageWorkspace(me.role);

  return (
    <div className="banner banner--past-due" role="region" aria-label="Payment failed">
      <p className="banner-text">
        <strong>Your last payment failed — update your card.</strong>{' '}
        {manage
          ? `Stripe is retrying it; your ${subscription.data.plan.name} plan keeps working until then.`
          : 'Ask an owner or admin of this workspace to update the payment method.'}
        {portal.isError && <span className="banner-error"> {billingErrorMessage(portal.error)}</span>}
      </p>
      {manage && (
        <div className="banner-actions">
          <Button variant="primary" size="sm" onClick={portal.open} loading={portal.isPending}>
            Update card
          </Button>
        </div>
      )}
    </div>
  );
}
