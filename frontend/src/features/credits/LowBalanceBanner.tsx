import { useState } from 'react';
import { Link } from 'react-router';

import { CloseIcon } from '@/components/icons';
import { buttonClass } from '@/components/ui';
import { useSession } from '@/features/auth/session';

import { creditsLabel, useCreditBalance } from './hooks';

const DISMISS_KEY = 'epox.lowBalanceDismissed';

function dismissedFor(organizationId: string): boolean {
  try {
    return sessionStorage.getItem(`${DISMISS_KEY}.${organizationId}`) === '1';
  } catch {
    return false;
  }
}

/**
 * Shown while the API says the balance is low (`low_balance`: at or under the workspace's highest alert level,
 * by default 20% of the last top-up, or nothing left). Dismissing hides it for the rest of this browser session,
 * per workspace.
 */
export function LowBalanceBanner() {
  const me = useSession();
  const balance = useCreditBalance();
  const organizationId = me.organization.id;
  const [dismissed, setDismissed] = useState<Record<string, boolean>>({});
  if (!balance.data?.low_balance || dismissed[organizationId] || dismissedFor(organizationId)) return null;

  const { available, shortfall } = balance.data;
  const dismiss = () => {
    try {
      sessionStorage.setItem(`${DISMISS_KEY}.${organizationId}`, '1');
    } catch {
      // Private mode without storage: hidden until the next reload.
    }
    setDismissed((current) => ({ ...current, [organizationId]: true }));
  };

  let text;
  if (shortfall > 0) text = `${creditsLabel(shortfall)} are owed after a refunded payment. New work starts again after a top-up.`;
  else if (available <= 0) text = "You're out of credits. New images and videos need credits.";
  else text = `Only ${creditsLabel(available)} left. Top up before your next batch.`;

  return (
    <div className="banner banner--low-balance" role="region" aria-label="Low credit balance">
      <p className="banner-text">
        <strong>{available <= 0 ? 'No credits left.' : 'Credits are running low.'}</strong> {text}
      </p>
      <div className="banner-actions">
        <Link to="/billing" className={buttonClass('primary', 'sm')}>
          Buy credits
        </Link>
        <Link to="/billing" className={buttonClass('ghost', 'sm')}>
          Change plan
        </Link>
        <button type="button" className="icon-button" aria-label="Dismiss the low balance warning" onClick={dismiss}>
          <CloseIcon />
        </button>
      </div>
    </div>
  );
}
