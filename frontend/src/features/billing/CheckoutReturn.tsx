import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';

import { getCreditBalanceOptions } from '@/client/@tanstack/react-query.gen';
import { Alert, Button, buttonClass, Spinner } from '@/components/ui';

import {
  type Baseline,
  baselineOf,
  CHECKOUT_POLL,
  clearCheckoutIntent,
  loadCheckoutIntent,
  purchaseArrived,
} from './checkout';
import { invalidateBilling, useSubscription } from './hooks';
import { formatNumber, plural } from './plans';

export type CheckoutResult = 'success' | 'canceled';

type Phase = 'waiting' | 'arrived' | 'slow' | 'canceled';

interface CheckoutReturnProps {
  result: CheckoutResult;
  onDismiss: () => void;
}

/**
 * Back from Stripe Checkout. Canceled: nothing was charged. Paid: the credits come with Stripe's webhook, not with
 * the redirect, so the subscription and the balance are re-read every second (for up to half a minute) until they
 * show the purchase; the whole page (plan card, meters, header balance) updates with them.
 */
export function CheckoutReturn({ result, onDismiss }: CheckoutReturnProps) {
  const queryClient = useQueryClient();
  const [intent] = useState(loadCheckoutIntent);
  const [phase, setPhase] = useState<Phase>(result === 'success' ? 'waiting' : 'canceled');
  const [baseline, setBaseline] = useState<Baseline | null>(null);
  const pollMs = phase === 'waiting' ? CHECKOUT_POLL.intervalMs : false;
  const subscription = useSubscription({ pollMs });
  const balance = useQuery({ ...getCreditBalanceOptions(), refetchInterval: pollMs });

  if ((phase === 'waiting' || phase === 'slow') && subscription.data && balance.data) {
    if (baseline === null) setBaseline(baselineOf(subscription.data, balance.data));
    else if (purchaseArrived(intent, baseline, subscription.data, balance.data)) setPhase('arrived');
  }

  // Stop waiting after a while: the payment is safe, the webhook may just be slow.
  useEffect(() => {
    if (phase !== 'waiting') return;
    const timer = setTimeout(() => setPhase((now) => (now === 'waiting' ? 'slow' : now)), CHECKOUT_POLL.timeoutMs);
    return () => clearTimeout(timer);
  }, [phase]);

  useEffect(() => {
    if (phase === 'canceled') clearCheckoutIntent();
    if (phase === 'arrived') {
      clearCheckoutIntent();
      void invalidateBilling(queryClient);
    }
  }, [phase, queryClient]);

  const backToSetup = intent?.from === 'onboarding' && (
    <Link to="/welcome" className={buttonClass('primary', 'sm')}>
      Continue setting up
    </Link>
  );
  const dismiss = (
    <Button size="sm" variant="ghost" onClick={onDismiss}>
      Dismiss
    </Button>
  );

  if (phase === 'canceled') {
    return (
      <Alert
        tone="info"
        className="checkout-return"
        title="Checkout canceled: nothing was charged"
        actions={
          <>
            {backToSetup}
            {dismiss}
          </>
        }
      >
        Your plan and credits are unchanged. Pick a plan or a credit pack again whenever you like.
      </Alert>
    );
  }

  if (phase === 'waiting') {
    return (
      <div className="alert alert--info checkout-return checkout-return--waiting" role="status" aria-live="polite">
        <Spinner size="md" />
        <div className="alert-body">
          <p className="alert-title">Payment received — your credits are on their way</p>
          <p className="alert-text">
            {intent
              ? `Stripe is confirming your ${intent.kind === 'plan' ? `${intent.name} plan` : `${plural(intent.credits, 'credit')} pack`}; this usually takes a few seconds. This page updates by itself.`
              : 'Stripe is confirming your payment; this usually takes a few seconds. This page updates by itself.'}
          </p>
        </div>
      </div>
    );
  }

  if (phase === 'slow') {
    return (
      <Alert
        tone="warning"
        className="checkout-return"
        title="Payment received — still waiting for Stripe's confirmation"
        actions={
          <>
            <Button size="sm" onClick={() => setPhase('waiting')}>
              Check again
            </Button>
            {dismiss}
          </>
        }
      >
        Your payment is safe. Stripe hasn't confirmed it to us yet, so your plan and credits below may not show it for a
        minute or two. You'll also get a notification when the credits are in.
      </Alert>
    );
  }

  const available = balance.data?.available;
  let title = 'Your purchase is in';
  let text = 'Your plan and credits below are up to date.';
  if (intent?.kind === 'plan') {
    title = `You're on the ${intent.name} plan`;
    text = `${plural(intent.credits, 'credit')} added${available !== undefined ? `: you have ${formatNumber(available)} to use` : ''}.`;
  } else if (intent?.kind === 'pack') {
    title = `${plural(intent.credits, 'credit')} added`;
    text = `${available !== undefined ? `You have ${formatNumber(available)} credits to use. ` : ''}Pack credits never expire.`;
  }
  return (
    <Alert
      tone="success"
      className="checkout-return"
      title={title}
      actions={
        <>
          {backToSetup}
          {dismiss}
        </>
      }
    >
      {text}
    </Alert>
  );
}
