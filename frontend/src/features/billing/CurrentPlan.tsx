import { useState } from 'react';
import { Link } from 'react-router';

import { Alert, Badge, Button, Card, ConfirmDialog, Dialog } from '@/components/ui';
import { useCreditBalance } from '@/features/credits/hooks';
import { cx } from '@/lib/cx';
import { formatDate } from '@/lib/format';

import { billingErrorMessage } from './errors';
import { useCancelSubscription, useChangePlan, usePortal, useResumeSubscription } from './hooks';
import { KeepProductsReview } from './KeepProductsReview';
import {
  ENTITLED_STATUSES,
  formatMoney,
  formatNumber,
  isFree,
  type Plan,
  plural,
  priceOf,
  seatsLabel,
  statusLabel,
  statusTone,
  type Subscription,
  trialGrantLabel,
} from './plans';

interface CurrentPlanProps {
  subscription: Subscription;
  plans: readonly Plan[];
  /** Owners and admins: the only ones who may change, cancel or open the portal. */
  canManage: boolean;
}

function statusSentence(subscription: Subscription, price: string | null): string {
  const end = formatDate(subscription.current_period_end);
  switch (subscription.status) {
    case 'none': {
      // Without a subscription the plan is the trial, which carries its own grant (null: it grants no credits).
      const grant = subscription.plan.trial;
      const slots = `${formatNumber(subscription.plan.product_slots)} product slots`;
      return `You're on the free trial${grant ? `: ${trialGrantLabel(grant)} and ${slots}` : ` with ${slots}`}. Choose a plan below whenever you're ready.`;
    }
    case 'active':
    case 'trialing':
      return subscription.cancel_at_period_end
        ? `Canceled: your plan ends on ${end}. Until then everything, including its credits, keeps working.`
        : `Renews on ${end}${price ? ` for ${price}` : ''}.`;
    case 'past_due':
      return `Your last payment failed. Stripe retries the card for a while; update it in the billing portal to keep your plan. The period ends on ${end}.`;
    case 'unpaid':
      return 'The last invoices were not paid, so the plan has stopped. Update your card in the billing portal.';
    case 'incomplete':
      return 'Waiting for the first payment to go through.';
    case 'canceled':
    case 'incomplete_expired':
      return "Your subscription has ended, so you're back on the free trial's limits. Choose a plan below to start again.";
    default:
      return end !== '—' ? `Current period ends on ${end}.` : '';
  }
}

/** The workspace's plan: name, status, price, renewal or end date, a waiting change, and the actions on it. */
export function CurrentPlan({ subscription, plans, canManage }: CurrentPlanProps) {
  const portal = usePortal();
  const cancel = useCancelSubscription();
  const resume = useResumeSubscription();
  const keepCurrent = useChangePlan();
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const [reviewing, setReviewing] = useState(false);
  const { plan, status, interval, scheduled_change: scheduled, usage } = subscription;
  const price = interval ? priceOf(plan, interval) : null;
  const entitled = ENTITLED_STATUSES.has(status);
  const scheduledPlan = scheduled ? plans.find((item) => item.code === scheduled.plan_code) : undefined;
  const overScheduled = scheduledPlan ? Math.max(0, usage.product_slots_used - scheduledPlan.product_slots) : 0;
  const error = portal.error ?? resume.error ?? keepCurrent.error;

  return (
    <Card
      title="Current plan"
      className="current-plan"
      actions={
        canManage && status !== 'none' ? (
          <Button size="sm" onClick={portal.open} loading={portal.isPending}>
            Payment method and receipts
          </Button>
        ) : null
      }
    >
      <div className="current-plan-head">
        <p className="current-plan-name" data-testid="current-plan">
          {plan.name}
        </p>
        {status !== 'none' && (
          <Badge tone={subscription.cancel_at_period_end && entitled ? 'warning' : statusTone(status)}>
            {subscription.cancel_at_period_end && entitled ? 'Ends soon' : statusLabel(status)}
          </Badge>
        )}
      </div>
      <p className="current-plan-price">
        {isFree(plan) || !price
          ? 'Free'
          : `${formatMoney(price.amount, price.currency)} / ${interval === 'year' ? 'year' : 'month'}`}
      </p>
      <p className={cx('current-plan-status', status === 'past_due' && 'current-plan-status--alert')}>
        {statusSentence(subscription, price ? formatMoney(price.amount, price.currency) : null)}
      </p>
      <dl className="current-plan-facts">
        <div>
          <dt>Includes</dt>
          <dd>
            {isFree(plan)
              ? plan.trial
                ? trialGrantLabel(plan.trial)
                : 'No free credits'
              : `${formatNumber(plan.monthly_credits)} credits a month`}{' '}
            · {formatNumber(plan.product_slots)} product slots · {seatsLabel(plan.limits.seats).toLowerCase()}
            {plan.limits.api_access ? ' · API access' : ''}
          </dd>
        </div>
      </dl>

      {scheduled && (
        <div className="current-plan-scheduled">
          <p>
            Switching to <strong>{scheduledPlan?.name ?? scheduled.plan_code}</strong> (billed{' '}
            {scheduled.interval === 'year' ? 'yearly' : 'monthly'}) on {formatDate(scheduled.applies_at)}.
            {overScheduled > 0 &&
              (scheduled.keep_product_ids
                ? ` You chose which ${formatNumber(scheduledPlan?.product_slots ?? 0)} products stay active.`
                : ` ${formatNumber(overScheduled)} of your products will be archived then (the newest first) unless you choose.`)}
          </p>
          {canManage && (
            <div className="button-row">
              {overScheduled > 0 && (
                <Button size="sm" onClick={() => setReviewing(true)}>
                  Choose products to keep
                </Button>
              )}
              {interval && (
                <Button
                  size="sm"
                  variant="ghost"
                  loading={keepCurrent.isPending}
                  onClick={() => keepCurrent.mutate({ body: { plan_code: plan.code, interval } })}
                >
                  Stay on {plan.name}
                </Button>
              )}
            </div>
          )}
        </div>
      )}

      {error && <Alert tone="error">{billingErrorMessage(error)}</Alert>}

      {canManage && entitled && (
        <div className="current-plan-actions">
          {subscription.cancel_at_period_end ? (
            <Button variant="primary" size="sm" onClick={() => resume.mutate({})} loading={resume.isPending}>
              Resume {plan.name}
            </Button>
          ) : (
            <Button variant="ghost" size="sm" className="current-plan-cancel" onClick={() => setConfirmingCancel(true)}>
              Cancel plan
            </Button>
          )}
        </div>
      )}
      {!canManage && (
        <p className="muted current-plan-note">Only owners and admins can change the plan or buy credits.</p>
      )}

      <ConfirmDialog
        open={confirmingCancel}
        title={`Cancel ${plan.name}?`}
        description={
          <>
            Your plan stays until <strong>{formatDate(subscription.current_period_end)}</strong>, including its
            credits; nothing is charged after that. Then the workspace goes back to the free trial's limits: products
            beyond its slots stay but new ones can't be added. Pack credits never expire. You can resume any time
            before that date.
          </>
        }
        confirmLabel="Cancel at period end"
        pending={cancel.isPending}
        error={cancel.isError ? billingErrorMessage(cancel.error) : null}
        onCancel={() => {
          setConfirmingCancel(false);
          cancel.reset();
        }}
        onConfirm={() => cancel.mutate({}, { onSuccess: () => setConfirmingCancel(false) })}
      />
      {reviewing && scheduled && scheduledPlan && (
        <Dialog
          open
          title="Choose the products that stay active"
          description={`You switch to ${scheduledPlan.name} on ${formatDate(scheduled.applies_at)}.`}
          onClose={() => setReviewing(false)}
        >
          <KeepProductsReview
            planName={scheduledPlan.name}
            slots={scheduledPlan.product_slots}
            appliesAt={scheduled.applies_at}
            chosen={scheduled.keep_product_ids}
            onSaved={() => setReviewing(false)}
            onCancel={() => setReviewing(false)}
            cancelLabel="Cancel"
          />
        </Dialog>
      )}
    </Card>
  );
}

interface MeterProps {
  label: string;
  used: number;
  limit: number | null;
  /** Shown on the right: "12 of 100". */
  value: string;
  note?: string;
  /** Credits fill up (more is better); slots and seats fill towards their limit. */
  kind?: 'limit' | 'balance' | 'quiet';
  testId?: string;
}

function Meter({ label, used, limit, value, note, kind = 'limit', testId }: MeterProps) {
  const id = `usage-${label.toLowerCase().replace(/\W+/g, '-')}`;
  const ratio = limit && limit > 0 ? Math.min(Math.max(used / limit, 0), 1) : limit === null ? 0 : 1;
  let tone = ratio >= 1 ? 'full' : ratio >= 0.8 ? 'high' : 'ok';
  if (kind === 'balance') tone = ratio <= 0.1 ? 'high' : 'ok';
  if (kind === 'quiet') tone = 'ok';
  return (
    <div className="usage-meter">
      <div className="slot-meter-head">
        <span className="slot-meter-label" id={id}>
          {label}
        </span>
        <span className="slot-meter-count" data-testid={testId}>
          {value}
        </span>
      </div>
      <div
        className={cx('meter', `meter--${tone}`)}
        role="meter"
        aria-labelledby={id}
        aria-valuemin={0}
        aria-valuemax={limit ?? Math.max(used, 1)}
        aria-valuenow={used}
        aria-valuetext={value}
      >
        <div className="meter-fill" style={{ width: `${Math.round(ratio * 100)}%` }} />
      </div>
      {note && <p className="slot-meter-note">{note}</p>}
    </div>
  );
}

/** What the workspace uses of its plan: product slots, seats, and the credits it has. */
export function UsageMeters({ subscription }: { subscription: Subscription }) {
  const { usage, plan, interval } = subscription;
  // The balance the header shows (re-read after every change), rather than the subscription's copy of it.
  const balance = useCreditBalance();
  const available = balance.data?.available ?? usage.credits_available;
  const free = isFree(plan);
  const included = plan.monthly_credits * (interval === 'year' ? 12 : 1);
  const slotsLeft = Math.max(0, usage.product_slots_limit - usage.product_slots_used);
  return (
    <Card title="Usage" className="usage-card">
      <div className="usage-meters">
        <Meter
          label="Product slots"
          used={usage.product_slots_used}
          limit={usage.product_slots_limit}
          value={`${formatNumber(usage.product_slots_used)} of ${formatNumber(usage.product_slots_limit)}`}
          note={slotsLeft === 0 ? 'All slots are in use: archive products or upgrade.' : `${formatNumber(slotsLeft)} left. Archived products don't count.`}
        />
        <Meter
          label="Seats"
          kind="quiet"
          used={usage.seats_used}
          limit={usage.seats_limit}
          value={
            usage.seats_limit === null
              ? `${formatNumber(usage.seats_used)} used · unlimited`
              : `${formatNumber(usage.seats_used)} of ${formatNumber(usage.seats_limit)}`
          }
          note={
            usage.seats_limit !== null && usage.seats_used >= usage.seats_limit
              ? 'Members plus pending invitations. All seats are taken: a bigger plan adds more.'
              : 'Members plus pending invitations.'
          }
        />
        <Meter
          label="Credits"
          kind="balance"
          used={available}
          limit={free ? (plan.trial?.credits ?? null) : included || null}
          value={`${formatNumber(available)} available`}
          testId="billing-credits"
          note={
            free
              ? `The trial includes ${plan.trial ? plural(plan.trial.credits, 'credit') : 'no credits'}. Plans add credits every month; packs never expire.`
              : `${plan.name} adds ${formatNumber(included)} credits each ${interval === 'year' ? 'year' : 'month'}; they expire at the period end.`
          }
        />
      </div>
      <p className="usage-links">
        <Link to="/usage/credits">Credit history</Link>
      </p>
    </Card>
  );
}
