import { useEffect, useState } from 'react';

import type { ChangeOut } from '@/client/types.gen';
import { Alert, Button, Dialog, LoadingBlock } from '@/components/ui';
import { formatDate } from '@/lib/format';

import { billingErrorMessage } from './errors';
import { useChangePlan, usePreviewChange } from './hooks';
import { KeepProductsReview } from './KeepProductsReview';
import {
  formatMoney,
  formatNumber,
  type Interval,
  type Plan,
  priceOf,
  seatsLabel,
  type Subscription,
} from './plans';

export interface PlanChoice {
  plan: Plan;
  interval: Interval;
}

interface ChangePlanDialogProps {
  choice: PlanChoice;
  subscription: Subscription;
  onClose: () => void;
  /** The change went through (for the page's confirmation line). */
  onChanged: (change: ChangeOut, plan: Plan) => void;
}

const per = (interval: Interval) => (interval === 'year' ? 'year' : 'month');

function signedNumber(value: number): string {
  if (value > 0) return `+${formatNumber(value)}`;
  if (value < 0) return `−${formatNumber(-value)}`;
  return 'no change';
}

/**
 * A plan change, previewed first (POST /billing/subscription/change with `preview`): price, credits, slots and
 * seats before and after, and when it applies. A downgrade that leaves more products than slots continues with the
 * review of the products that stay active.
 */
export function ChangePlanDialog({ choice, subscription, onClose, onChanged }: ChangePlanDialogProps) {
  const preview = usePreviewChange();
  const change = useChangePlan();
  const [step, setStep] = useState<'preview' | 'review'>('preview');
  const { mutate: runPreview } = preview;
  const planCode = choice.plan.code;
  const interval = choice.interval;

  // Mounted per choice (the page keys it by plan and interval), so one preview per dialog.
  useEffect(() => {
    runPreview({ body: { plan_code: planCode, interval, preview: true } });
  }, [planCode, interval, runPreview]);

  const { plan } = choice;
  const data = preview.data;
  const current = subscription.plan;
  const currentPrice = subscription.interval ? priceOf(current, subscription.interval) : null;
  const newPrice = priceOf(plan, choice.interval);
  const later = data?.applies_at === 'period_end';
  const when = later ? formatDate(data?.effective_at ?? subscription.current_period_end) : null;

  const confirm = () =>
    change.mutate(
      { body: { plan_code: plan.code, interval: choice.interval } },
      {
        onSuccess: (result) => {
          onChanged(result, plan);
          if (result.applies_at === 'period_end' && result.products_over_limit > 0) setStep('review');
          else onClose();
        },
      },
    );

  if (step === 'review') {
    return (
      <Dialog
        open
        title="Choose the products that stay active"
        description={`Your switch to ${plan.name} is scheduled for ${when ?? 'the end of this period'}.`}
        onClose={onClose}
      >
        <KeepProductsReview
          planName={plan.name}
          slots={plan.product_slots}
          appliesAt={data?.effective_at ?? subscription.current_period_end}
          onSaved={onClose}
          onCancel={onClose}
        />
      </Dialog>
    );
  }

  const confirmLabel = later ? `Switch at period end` : data && data.price_difference > 0 ? `Upgrade to ${plan.name}` : `Switch to ${plan.name}`;

  return (
    <Dialog
      open
      title={`Switch to ${plan.name}, billed ${choice.interval === 'year' ? 'yearly' : 'monthly'}`}
      description="Here is what changes. Nothing happens until you confirm."
      onClose={onClose}
      dismissible={!change.isPending}
      footer={
        <>
          <Button onClick={onClose} disabled={change.isPending} data-autofocus>
            Cancel
          </Button>
          <Button variant="primary" onClick={confirm} loading={change.isPending} disabled={!data}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {preview.isPending && <LoadingBlock label="Working out what changes" />}
      {preview.isError && <Alert tone="error">{billingErrorMessage(preview.error)}</Alert>}
      {data && (
        <>
          <table className="change-table">
            <caption className="visually-hidden">What changes</caption>
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">What</span>
                </th>
                <th scope="col">Now</th>
                <th scope="col">{plan.name}</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">Price</th>
                <td>
                  {currentPrice && subscription.interval
                    ? `${formatMoney(currentPrice.amount, currentPrice.currency)}/${per(subscription.interval)}`
                    : '—'}
                </td>
                <td>{newPrice ? `${formatMoney(newPrice.amount, newPrice.currency)}/${per(choice.interval)}` : '—'}</td>
                <td className="change-diff">
                  {data.price_difference === 0
                    ? 'no change'
                    : `${data.price_difference > 0 ? '+' : '−'}${formatMoney(Math.abs(data.price_difference), data.currency)}`}
                </td>
              </tr>
              <tr>
                <th scope="row">Credits a month</th>
                <td>{formatNumber(current.monthly_credits)}</td>
                <td>{formatNumber(plan.monthly_credits)}</td>
                <td className="change-diff">{signedNumber(data.monthly_credits_difference)}</td>
              </tr>
              <tr>
                <th scope="row">Product slots</th>
                <td>{formatNumber(current.product_slots)}</td>
                <td>{formatNumber(plan.product_slots)}</td>
                <td className="change-diff">{signedNumber(data.product_slots_difference)}</td>
              </tr>
              <tr>
                <th scope="row">Seats</th>
                <td>{seatsLabel(current.limits.seats)}</td>
                <td>{seatsLabel(plan.limits.seats)}</td>
                <td className="change-diff">
                  {data.seats_difference === null ? '—' : signedNumber(data.seats_difference)}
                </td>
              </tr>
            </tbody>
          </table>
          <p className="change-when">
            {later ? (
              <>
                <strong>Applies on {when}</strong>, when the period you've paid for ends. Until then you keep{' '}
                {current.name} and its credits.
              </>
            ) : (
              <>
                <strong>Applies right away.</strong>{' '}
                {data.price_difference > 0
                  ? 'You pay the prorated difference for the rest of this period now, and the extra credits are added at once.'
                  : 'Stripe prorates the rest of this period.'}
              </>
            )}
          </p>
          {data.products_over_limit > 0 && (
            <Alert tone="warning" title={`${plural(data.products_over_limit)} over ${plan.name}'s slots`}>
              {later
                ? `${plan.name} has ${formatNumber(plan.product_slots)} product slots. You'll choose which products stay active next; the others are archived on ${when}, never deleted.`
                : `${plan.name} has ${formatNumber(plan.product_slots)} product slots: archive products to make room, or pick a bigger plan.`}
            </Alert>
          )}
          {change.isError && <Alert tone="error">{billingErrorMessage(change.error)}</Alert>}
        </>
      )}
    </Dialog>
  );
}

function plural(count: number): string {
  return `${formatNumber(count)} ${count === 1 ? 'product is' : 'products are'}`;
}
