import '@/features/billing/billing.css';

import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';

import type { ChangeOut } from '@/client/types.gen';
import { Alert, Button, ErrorState, LoadingBlock } from '@/components/ui';
import { useSession } from '@/features/auth/session';
import { ChangePlanDialog, type PlanChoice } from '@/features/billing/ChangePlanDialog';
import { type CheckoutResult, CheckoutReturn } from '@/features/billing/CheckoutReturn';
import { CurrentPlan, UsageMeters } from '@/features/billing/CurrentPlan';
import { billingErrorMessage } from '@/features/billing/errors';
import { type CheckoutItem, useCheckout, useCreditCosts, usePacks, usePlans, useSubscription } from '@/features/billing/hooks';
import { Invoices } from '@/features/billing/Invoices';
import { bestSavingPercent, IntervalToggle, PlanCards } from '@/features/billing/PlanCards';
import {
  hasLiveSubscription,
  type Interval,
  isFree,
  isInterval,
  type Plan,
  plural,
} from '@/features/billing/plans';
import { PackCards } from '@/features/billing/PriceList';
import { formatDate } from '@/lib/format';
import { canManageWorkspace } from '@/lib/roles';

import { PageHeader } from './PageHeader';

function checkoutResult(value: string | null): CheckoutResult | null {
  return value === 'success' || value === 'canceled' ? value : null;
}

function changeMessage(change: ChangeOut, plan: Plan): string {
  if (change.applies_at === 'period_end') {
    return `You switch to ${plan.name} on ${formatDate(change.effective_at)}. Until then your current plan and its credits stay.`;
  }
  const credits = change.monthly_credits_difference;
  return `You're now on ${plan.name}.${credits > 0 ? ` ${plural(credits, 'more credit')} a month, the extra ones for this period added now.` : ''}`;
}

/** The workspace's plan and status, usage, plan changes, credit packs, invoices and the way to Stripe's portal. */
export function BillingPage() {
  const me = useSession();
  const manage = canManageWorkspace(me.role);
  const [params, setParams] = useSearchParams();
  // Read once: the address bar is cleaned right after, so a reload doesn't replay the way back from Stripe.
  const [returned, setReturned] = useState(() => checkoutResult(params.get('checkout')));
  const picked = params.get('plan');
  const pickedInterval = params.get('interval');
  const subscription = useSubscription();
  const plans = usePlans();
  const packs = usePacks();
  const costs = useCreditCosts();
  const checkout = useCheckout({ from: 'billing' });
  const [clicked, setClicked] = useState<{ kind: 'plan' | 'pack'; code: string } | null>(null);
  const [interval, setBillingInterval] = useState<Interval | null>(isInterval(pickedInterval) ? pickedInterval : null);
  const [choice, setChoice] = useState<PlanChoice | null>(null);
  const [changed, setChanged] = useState<string | null>(null);

  useEffect(() => {
    if (!params.has('checkout') && !params.has('session_id')) return;
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.delete('checkout');
        next.delete('session_id');
        return next;
      },
      { replace: true },
    );
  }, [params, setParams]);

  const startCheckout = (item: CheckoutItem) => {
    setClicked({ kind: item.kind, code: item.kind === 'plan' ? item.plan.code : item.pack.code });
    checkout.start(item);
  };

  let body;
  if (subscription.isPending) body = <LoadingBlock label="Loading your plan" />;
  else if (subscription.isError)
    body = (
      <ErrorState
        error={subscription.error}
        what="your plan"
        onRetry={() => void subscription.refetch()}
        retrying={subscription.isFetching}
      />
    );
  else {
    const current = subscription.data;
    const live = hasLiveSubscription(current);
    const shownInterval: Interval = interval ?? current.interval ?? 'month';
    const paid = (plans.data?.items ?? []).filter((plan) => !isFree(plan) && plan.purchasable);
    const checkoutError = checkout.isError ? billingErrorMessage(checkout.error) : null;
    const busy = (kind: 'plan' | 'pack', code: string) =>
      checkout.isPending && clicked?.kind === kind && clicked.code === code;

    const planAction = (plan: Plan) => {
      if (!manage) return null;
      if (live) {
        const same = plan.code === current.plan.code && shownInterval === current.interval;
        if (same)
          return (
            <Button className="btn--block" disabled>
              Your plan
            </Button>
          );
        const label = plan.code === current.plan.code ? `Switch to ${shownInterval === 'year' ? 'yearly' : 'monthly'}` : `Switch to ${plan.name}`;
        return (
          <Button className="btn--block" onClick={() => setChoice({ plan, interval: shownInterval })}>
            {label}
          </Button>
        );
      }
      return (
        <Button
          className="btn--block"
          variant={plan.code === picked ? 'primary' : 'secondary'}
          loading={busy('plan', plan.code)}
          disabled={checkout.isPending}
          onClick={() => startCheckout({ kind: 'plan', plan, interval: shownInterval })}
        >
          Choose {plan.name}
        </Button>
      );
    };

    body = (
      <>
        {returned && <CheckoutReturn result={returned} onDismiss={() => setReturned(null)} />}
        {changed && (
          <Alert
            tone="success"
            title="Plan changed"
            actions={
              <Button size="sm" variant="ghost" onClick={() => setChanged(null)}>
                Dismiss
              </Button>
            }
          >
            {changed}
          </Alert>
        )}
        <div className="billing-overview">
          <CurrentPlan subscription={current} plans={plans.data?.items ?? []} canManage={manage} />
          <UsageMeters subscription={current} />
        </div>

        <section className="billing-section" aria-labelledby="plans-title">
          <div className="billing-section-head">
            <div>
              <h2 id="plans-title" className="billing-section-title">
                {live ? 'Change plan' : 'Choose a plan'}
              </h2>
              <p className="muted">
                {live
                  ? 'Upgrades apply right away (prorated); downgrades when the period you paid for ends.'
                  : 'Pay with Stripe; your plan and its credits start as soon as the payment is confirmed.'}
              </p>
            </div>
            <IntervalToggle value={shownInterval} onChange={setBillingInterval} savingPercent={bestSavingPercent(paid)} />
          </div>
          {checkoutError && clicked?.kind === 'plan' && <Alert tone="error">{checkoutError}</Alert>}
          {plans.isPending ? (
            <LoadingBlock label="Loading plans" />
          ) : plans.isError ? (
            <ErrorState error={plans.error} what="the plans" onRetry={() => void plans.refetch()} retrying={plans.isFetching} />
          ) : (
            <PlanCards
              plans={paid}
              interval={shownInterval}
              rates={costs.data?.rates ?? []}
              currentCode={live ? current.plan.code : null}
              highlight={picked}
              highlightLabel="Your pick"
              action={planAction}
            />
          )}
          <p className="billing-footnote">
            <Link to="/pricing">Compare plans and what a credit buys</Link>
          </p>
        </section>

        <section className="billing-section" aria-labelledby="packs-title">
          <div className="billing-section-head">
            <div>
              <h2 id="packs-title" className="billing-section-title">
                Buy credits
              </h2>
              <p className="muted">One-off credit packs on top of your plan. Pack credits never expire.</p>
            </div>
          </div>
          {checkoutError && clicked?.kind === 'pack' && <Alert tone="error">{checkoutError}</Alert>}
          {packs.isPending ? (
            <LoadingBlock label="Loading credit packs" />
          ) : packs.isError ? (
            <ErrorState error={packs.error} what="the credit packs" onRetry={() => void packs.refetch()} retrying={packs.isFetching} />
          ) : (
            <PackCards
              packs={packs.data.items}
              action={
                manage
                  ? (pack) => (
                      <Button
                        className="btn--block"
                        loading={busy('pack', pack.code)}
                        disabled={checkout.isPending}
                        onClick={() => startCheckout({ kind: 'pack', pack })}
                      >
                        Buy {plural(pack.credits, 'credit')}
                      </Button>
                    )
                  : undefined
              }
            />
          )}
        </section>

        {manage && <Invoices />}

        {choice && (
          <ChangePlanDialog
            key={`${choice.plan.code}-${choice.interval}`}
            choice={choice}
            subscription={current}
            onClose={() => setChoice(null)}
            onChanged={(change, plan) => setChanged(changeMessage(change, plan))}
          />
        )}
      </>
    );
  }

  return (
    <>
      <PageHeader title="Billing" description="Your plan, credits, invoices and payment method." />
      <div className="billing-page">{body}</div>
    </>
  );
}
