import '@/features/billing/billing.css';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';

import { Logo } from '@/components/Logo';
import { buttonClass, ErrorState, LoadingBlock } from '@/components/ui';
import { hasWorkspace, meQueryOptions } from '@/features/auth/session';
import { useCreditCosts, usePacks, usePlans } from '@/features/billing/hooks';
import { bestSavingPercent, IntervalToggle, PlanCards } from '@/features/billing/PlanCards';
import {
  choosePlanPath,
  formatNumber,
  type Interval,
  isFree,
  isInterval,
  seatsLabel,
  trialGrantLabel,
  trialPlan,
} from '@/features/billing/plans';
import { CostTable, Faq, PackCards } from '@/features/billing/PriceList';
import { usePageTitle } from '@/lib/usePageTitle';

/** The public price list: plans (monthly or yearly), the free trial, credit packs, what a credit buys, and a FAQ. */
export function PricingPage() {
  usePageTitle('Pricing');
  const [params] = useSearchParams();
  const requested = params.get('interval');
  const [interval, setBillingInterval] = useState<Interval>(isInterval(requested) ? requested : 'month');
  const me = useQuery(meQueryOptions());
  const signedIn = Boolean(me.data && hasWorkspace(me.data));
  const plans = usePlans();
  const packs = usePacks();
  const costs = useCreditCosts();

  const all = plans.data?.items ?? [];
  const trial = trialPlan(all);
  const paid = all.filter((plan) => !isFree(plan) && plan.purchasable);
  const rates = costs.data?.rates ?? [];
  const trialCta = signedIn ? (
    <Link to="/" className={buttonClass('primary')}>
      Go to your dashboard
    </Link>
  ) : (
    <Link to="/signup" className={buttonClass('primary')}>
      Start free trial
    </Link>
  );

  return (
    <div className="public-page">
      <header className="public-header">
        <Link to={signedIn ? '/' : '/pricing'} className="public-logo" aria-label="Epox home">
          <Logo />
        </Link>
        <nav className="public-nav" aria-label="Account">
          {signedIn ? (
            <Link to="/" className={buttonClass('secondary', 'sm')}>
              Open Epox
            </Link>
          ) : (
            <>
              <Link to="/login" className={buttonClass('ghost', 'sm')}>
                Log in
              </Link>
              <Link to="/signup" className={buttonClass('primary', 'sm')}>
                Start free trial
              </Link>
            </>
          )}
        </nav>
      </header>

      <main className="public-main">
        <section className="pricing-hero">
          <h1 className="pricing-title">Pricing that grows with your catalog</h1>
          <p className="pricing-lead">
            Every plan includes product slots and monthly credits for lifestyle images and videos. Start free, no card
            needed, and pick a plan when you're ready.
          </p>
          <IntervalToggle value={interval} onChange={setBillingInterval} savingPercent={bestSavingPercent(paid)} />
        </section>

        {plans.isPending ? (
          <LoadingBlock label="Loading plans" />
        ) : plans.isError ? (
          <ErrorState error={plans.error} what="the plans" onRetry={() => void plans.refetch()} retrying={plans.isFetching} />
        ) : (
          <>
            <PlanCards
              plans={paid}
              interval={interval}
              rates={rates}
              highlight={params.get('plan')}
              highlightLabel="Your pick"
              headingLevel={2}
              action={(plan) => (
                <Link
                  to={choosePlanPath(plan, interval, signedIn)}
                  className={buttonClass(plan.code === params.get('plan') ? 'primary' : 'secondary', 'md', 'btn--block')}
                >
                  Choose {plan.name}
                </Link>
              )}
            />
            {trial && (
              <section className="trial-strip" aria-labelledby="trial-title">
                <div>
                  <h2 id="trial-title" className="trial-strip-title">
                    {trial.name}
                  </h2>
                  <p className="muted">
                    {trial.trial && `${trialGrantLabel(trial.trial)}, `}
                    {formatNumber(trial.product_slots)} product slots, {seatsLabel(trial.limits.seats).toLowerCase()}. No
                    card needed: see your own products in real scenes before you pay anything.
                  </p>
                </div>
                {trialCta}
              </section>
            )}
          </>
        )}

        <div className="pricing-columns">
          <section className="pricing-section" aria-labelledby="credits-title">
            <h2 id="credits-title" className="pricing-section-title">
              What a credit buys
            </h2>
            {costs.isPending ? (
              <LoadingBlock label="Loading the cost table" />
            ) : costs.isError ? (
              <ErrorState error={costs.error} what="the cost table" onRetry={() => void costs.refetch()} />
            ) : (
              <CostTable rates={rates} />
            )}
          </section>
          <section className="pricing-section" aria-labelledby="packs-title">
            <h2 id="packs-title" className="pricing-section-title">
              Credit packs
            </h2>
            <p className="muted pricing-section-lead">
              Need more than your plan includes? Top up any time from the Billing page. Pack credits never expire.
            </p>
            {packs.isPending ? (
              <LoadingBlock label="Loading credit packs" />
            ) : packs.isError ? (
              <ErrorState error={packs.error} what="the credit packs" onRetry={() => void packs.refetch()} />
            ) : (
              <PackCards packs={packs.data.items} />
            )}
          </section>
        </div>

        <section className="pricing-section" aria-labelledby="faq-title">
          <h2 id="faq-title" className="pricing-section-title">
            Questions
          </h2>
          <Faq trial={trial?.trial ?? null} />
        </section>

        <section className="pricing-cta">
          <h2 className="pricing-cta-title">See your products in a real scene in ten minutes</h2>
          {trialCta}
        </section>
      </main>
    </div>
  );
}
