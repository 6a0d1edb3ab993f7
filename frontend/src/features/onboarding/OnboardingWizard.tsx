import './onboarding.css';

import { useQuery } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Link, useSearchParams } from 'react-router';

import { listAssetsOptions, listProductsOptions, listStoresOptions } from '@/client/@tanstack/react-query.gen';
import { BoxIcon, ImageIcon, SparklesIcon, StoreIcon } from '@/components/icons';
import { Alert, Badge, Button, buttonClass, ErrorState, FormError, LoadingBlock, TextField } from '@/components/ui';
import { type Session, useSession } from '@/features/auth/session';
import { billingErrorMessage } from '@/features/billing/errors';
import { useCheckout, useCreditCosts, usePlans, useSubscription } from '@/features/billing/hooks';
import { CheckIcon } from '@/features/billing/icons';
import { bestSavingPercent, IntervalToggle, PlanCards } from '@/features/billing/PlanCards';
import {
  ENTITLED_STATUSES,
  formatNumber,
  type Interval,
  isFree,
  isInterval,
  type Plan,
  planPrice,
  trialGrantLabel,
  trialPlan,
} from '@/features/billing/plans';
import { useCreditBalance } from '@/features/credits/hooks';
import { useUpdateOrganization } from '@/features/organization/hooks';
import { NewProductsUpload } from '@/features/products/NewProductsUpload';
import { primaryImage } from '@/features/products/hooks';
import { cx } from '@/lib/cx';
import { formErrors, parseError } from '@/lib/problem';
import { canManageWorkspace, canWrite } from '@/lib/roles';

import { useOnboarding, useUpdateOnboarding } from './hooks';
import { type Onboarding, nextStep, previousStep, type StepId, type StepState, stepStates } from './steps';

/** Products offered for a first generation, and recent images offered for approval. */
const PRODUCTS_SHOWN = 6;
const ASSETS_SHOWN = 4;

/**
 * The wizard after sign-up: workspace name → plan (checkout) or the free trial → a store or products → a first
 * image → approving it. Every step can be skipped; the progress is the API's (GET /onboarding), so the wizard
 * resumes at the first step neither done nor skipped, on any device.
 */
export function OnboardingWizard() {
  const me = useSession();
  const onboarding = useOnboarding();
  const update = useUpdateOnboarding();
  // Opens where the workspace really is, once the progress is read afresh (not an older copy from the cache);
  // after that the merchant moves freely.
  const [current, setCurrent] = useState<StepId | 'finished' | null>(null);
  if (current === null && onboarding.data && onboarding.isFetchedAfterMount) {
    setCurrent(onboarding.data.next_step ?? 'finished');
  }

  if (!onboarding.data) {
    if (onboarding.isError)
      return (
        <ErrorState
          error={onboarding.error}
          what="your setup"
          onRetry={() => void onboarding.refetch()}
          retrying={onboarding.isFetching}
        />
      );
    return <LoadingBlock label="Loading your setup" />;
  }
  if (current === null) return <LoadingBlock label="Loading your setup" />;

  const progress = onboarding.data;
  const states = stepStates(progress);
  const total = states.length;
  const isDone = (id: StepId) => states.find((state) => state.id === id)?.status === 'done';
  const back = current === 'finished' ? null : previousStep(states, current);
  // Viewers can't change the workspace's setup: for them a skip only moves the wizard on.
  const canSave = canWrite(me.role);
  const saving = update.isPending ? update.variables.body : null;

  const go = (step: StepId | 'finished') => {
    update.reset();
    setCurrent(step);
  };
  // After a change the way forward is read from the new progress; a step of one's own is never "next" to itself.
  const moveOn = (from: StepId, latest: Onboarding = progress) => go(nextStep(stepStates(latest), from) ?? 'finished');
  const skip = (id: StepId) => {
    if (!canSave) return moveOn(id);
    update.mutate({ body: { skip: id } }, { onSuccess: (latest) => moveOn(id, latest) });
  };
  const keepTrial = () => update.mutate({ body: { trial_kept: true } }, { onSuccess: (latest) => moveOn('plan', latest) });
  const pickUp = (id: StepId) => {
    go(id);
    // Picked up again: the wizard resumes here next time, rather than at the end.
    if (canSave && states.find((state) => state.id === id)?.status === 'skipped') update.mutate({ body: { unskip: id } });
  };

  return (
    <div className="onboarding">
      <nav className="onboarding-nav card" aria-label="Setup steps">
        <div className="onboarding-nav-head">
          <p className="onboarding-progress-label" id="onboarding-progress">
            {progress.done} of {total} done
          </p>
          <div
            className="meter onboarding-meter"
            role="progressbar"
            aria-labelledby="onboarding-progress"
            aria-valuemin={0}
            aria-valuemax={total}
            aria-valuenow={progress.done}
          >
            <div className="meter-fill" style={{ width: `${total > 0 ? Math.round((progress.done / total) * 100) : 0}%` }} />
          </div>
        </div>
        <ol className="onboarding-steps">
          {states.map((state, index) => (
            <li key={state.id}>
              <button
                type="button"
                className={cx('onboarding-step', `onboarding-step--${state.status}`, current === state.id && 'onboarding-step--current')}
                aria-current={current === state.id ? 'step' : undefined}
                onClick={() => go(state.id)}
              >
                <span className="onboarding-step-marker" aria-hidden="true">
                  {state.status === 'done' ? <CheckIcon width={14} height={14} /> : index + 1}
                </span>
                <span className="onboarding-step-title">
                  {state.title}
                  <span className="visually-hidden">
                    {state.status === 'done' ? ', done' : state.status === 'skipped' ? ', skipped' : ''}
                  </span>
                  {state.status === 'skipped' && (
                    <span className="onboarding-step-tag" aria-hidden="true">
                      Skipped
                    </span>
                  )}
                </span>
              </button>
            </li>
          ))}
        </ol>
      </nav>

      <div className="onboarding-panel">
        {current === 'finished' ? (
          <Finished states={states} onPick={pickUp} />
        ) : (
          <StepPanel
            id={current}
            state={states.find((state) => state.id === current)}
            index={states.findIndex((state) => state.id === current)}
            total={total}
            skipping={saving?.skip === current}
            error={update.isError ? `Couldn't save your choice: ${parseError(update.error).message}` : null}
            onSkip={() => skip(current)}
            onNext={() => moveOn(current)}
            onBack={back ? () => go(back) : undefined}
          >
            {current === 'workspace' && <WorkspaceStep me={me} onSaved={() => moveOn('workspace')} />}
            {current === 'plan' && (
              <PlanStep
                me={me}
                done={isDone('plan')}
                trialKept={progress.trial_kept}
                onTrial={canSave ? keepTrial : undefined}
                keepingTrial={saving?.trial_kept === true}
              />
            )}
            {current === 'catalog' && <CatalogStep me={me} done={isDone('catalog')} />}
            {current === 'generate' && <GenerateStep done={isDone('generate')} onAddProducts={() => go('catalog')} />}
            {current === 'approve' && <ApproveStep done={isDone('approve')} />}
          </StepPanel>
        )}
        {onboarding.isRefetchError && (
          <p className="muted onboarding-failed">Your progress couldn't be checked just now; it shows as it was. Reload to try again.</p>
        )}
      </div>
    </div>
  );
}

interface StepPanelProps {
  id: StepId;
  state: StepState | undefined;
  index: number;
  total: number;
  children: ReactNode;
  /** This step's skip is being saved. */
  skipping: boolean;
  error: string | null;
  onSkip: () => void;
  onNext: () => void;
  onBack?: () => void;
}

function StepPanel({ id, state, index, total, children, skipping, error, onSkip, onNext, onBack }: StepPanelProps) {
  const done = state?.status === 'done';
  return (
    <section className="card onboarding-card" aria-labelledby={`step-${id}-title`}>
      <p className="onboarding-eyebrow">
        Step {index + 1} of {total}
        {done && (
          <>
            {' '}
            <Badge tone="success">Done</Badge>
          </>
        )}
      </p>
      <h2 className="onboarding-title" id={`step-${id}-title`}>
        {state?.title}
      </h2>
      <div className="onboarding-body">{children}</div>
      {error && <Alert tone="error">{error}</Alert>}
      <div className="onboarding-footer">
        {onBack ? (
          <Button variant="ghost" onClick={onBack}>
            Back
          </Button>
        ) : (
          <span />
        )}
        {done ? (
          <Button variant="primary" onClick={onNext}>
            Next step
          </Button>
        ) : (
          <Button variant="ghost" onClick={onSkip} loading={skipping}>
            Skip for now
          </Button>
        )}
      </div>
    </section>
  );
}

function WorkspaceStep({ me, onSaved }: { me: Session; onSaved: () => void }) {
  const update = useUpdateOrganization();
  const [name, setName] = useState(me.organization.name);
  const errors = formErrors(update.error, ['name'] as const);
  const canEdit = canManageWorkspace(me.role);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed === me.organization.name) return onSaved();
    update.mutate({ body: { name: trimmed } }, { onSuccess: onSaved });
  };

  return (
    <>
      <p className="onboarding-lead">
        Usually your store or brand. Your teammates see it, and so do the emails we send them.
      </p>
      <form className="form onboarding-form" onSubmit={onSubmit} noValidate>
        <fieldset className="form-fieldset" disabled={update.isPending || !canEdit}>
          <TextField
            label="Workspace name"
            name="name"
            autoComplete="organization"
            required
            value={name}
            onChange={(event) => setName(event.target.value)}
            error={errors.fields.name}
            hint={canEdit ? undefined : 'Only owners and admins can rename the workspace.'}
          />
          <FormError message={errors.general} />
          {canEdit && (
            <div className="form-actions">
              <Button type="submit" variant="primary" loading={update.isPending}>
                Save and continue
              </Button>
            </div>
          )}
        </fieldset>
      </form>
    </>
  );
}

interface PlanStepProps {
  me: Session;
  done: boolean;
  trialKept: boolean;
  /** Keep the free trial for now; absent for those who can't save that choice. */
  onTrial?: () => void;
  keepingTrial: boolean;
}

function PlanStep({ me, done, trialKept, onTrial, keepingTrial }: PlanStepProps) {
  const [params] = useSearchParams();
  const plans = usePlans();
  const costs = useCreditCosts();
  const subscription = useSubscription();
  const checkout = useCheckout({ from: 'onboarding' });
  const picked = params.get('plan');
  const requested = params.get('interval');
  const [interval, setBillingInterval] = useState<Interval>(isInterval(requested) ? requested : 'month');
  const [clicked, setClicked] = useState<string | null>(null);
  const manage = canManageWorkspace(me.role);
  // Which plan runs is the subscription's to say; whether the step is done is the API's.
  const paying = done && subscription.data && ENTITLED_STATUSES.has(subscription.data.status) ? subscription.data : null;

  if (done && subscription.isPending) return <LoadingBlock label="Loading your plan" />;
  if (paying) {
    return (
      <Alert tone="success" title={`You're on the ${paying.plan.name} plan`}>
        {formatNumber(paying.plan.monthly_credits)} credits a month and {formatNumber(paying.plan.product_slots)} product
        slots. Manage it any time on the <Link to="/billing">Billing page</Link>.
      </Alert>
    );
  }
  if (plans.isPending) return <LoadingBlock label="Loading plans" />;
  if (plans.isError)
    return <ErrorState error={plans.error} what="the plans" onRetry={() => void plans.refetch()} retrying={plans.isFetching} />;
  const all = plans.data.items;
  const trial = trialPlan(all)?.trial ?? null;
  const paid = all.filter((plan) => !isFree(plan) && plan.purchasable);
  const pickedPlan = paid.find((plan) => plan.code === picked);
  const choose = (plan: Plan) => {
    setClicked(plan.code);
    checkout.start({ kind: 'plan', plan, interval });
  };

  return (
    <>
      <p className="onboarding-lead">
        {trial ? `Your free trial is running: ${trialGrantLabel(trial)}.` : "You're on the free trial."} Keep it while
        you look around, or pick a plan now; you pay with Stripe and can change or cancel any time.
      </p>
      {trialKept && (
        <Alert tone="success" title="You're keeping the free trial for now">
          Pick a plan here or on the <Link to="/billing">Billing page</Link> whenever you're ready.
        </Alert>
      )}
      {!manage && (
        <Alert tone="info">Only owners and admins can choose a plan. Skip this step; they can do it from Billing.</Alert>
      )}
      {checkout.isError && <Alert tone="error">{billingErrorMessage(checkout.error)}</Alert>}
      {pickedPlan && manage && (
        <div className="onboarding-pick">
          <div>
            <p className="onboarding-pick-title">
              You picked <strong>{pickedPlan.name}</strong>, billed {interval === 'year' ? 'yearly' : 'monthly'}
            </p>
            <p className="muted">
              {planPrice(pickedPlan, interval).amount}
              {planPrice(pickedPlan, interval).per} · {formatNumber(pickedPlan.monthly_credits)} credits a month ·{' '}
              {formatNumber(pickedPlan.product_slots)} product slots
            </p>
          </div>
          <Button variant="primary" onClick={() => choose(pickedPlan)} loading={checkout.isPending && clicked === pickedPlan.code}>
            Continue to checkout
          </Button>
        </div>
      )}
      <div className="onboarding-plans-head">
        <IntervalToggle value={interval} onChange={setBillingInterval} savingPercent={bestSavingPercent(paid)} />
        {onTrial && !trialKept && (
          <Button variant={pickedPlan ? 'ghost' : 'secondary'} onClick={onTrial} loading={keepingTrial} disabled={keepingTrial}>
            Continue with the free trial
          </Button>
        )}
      </div>
      <PlanCards
        plans={paid}
        interval={interval}
        rates={costs.data?.rates ?? []}
        highlight={picked}
        highlightLabel="Your pick"
        action={(plan) =>
          manage ? (
            <Button
              className="btn--block"
              variant={plan.code === picked ? 'primary' : 'secondary'}
              size="sm"
              disabled={checkout.isPending}
              loading={checkout.isPending && clicked === plan.code}
              onClick={() => choose(plan)}
            >
              Choose {plan.name}
            </Button>
          ) : null
        }
      />
    </>
  );
}

function Choice({ to, icon, title, children }: { to: string; icon: ReactNode; title: string; children: ReactNode }) {
  return (
    <Link to={to} className="quick-link onboarding-choice">
      <span className="quick-link-icon">{icon}</span>
      <span>
        <span className="quick-link-title">{title}</span>
        <span className="quick-link-description">{children}</span>
      </span>
    </Link>
  );
}

function CatalogStep({ me, done }: { me: Session; done: boolean }) {
  const stores = useQuery(listStoresOptions());
  const connected = stores.data?.items[0];
  return (
    <>
      <p className="onboarding-lead">
        Epox works from your product photos. Connect your store to import products (and publish images back later), or
        drop a few photos right here.
      </p>
      {done && (
        <Alert tone="success" title="Your catalog is in">
          {connected ? `${connected.shop_domain} is connected. ` : ''}
          <Link to="/products">See your products</Link>
        </Alert>
      )}
      <div className="onboarding-choices">
        <Choice to="/store" icon={<StoreIcon />} title="Connect a store">
          Shopify or WooCommerce: pick the products to import.
        </Choice>
        <Choice to="/products" icon={<BoxIcon />} title="Open Products">
          Create products by hand, with details and several photos each.
        </Choice>
      </div>
      {canWrite(me.role) && <NewProductsUpload disabled={false} />}
    </>
  );
}

function GenerateStep({ done, onAddProducts }: { done: boolean; onAddProducts: () => void }) {
  const balance = useCreditBalance();
  const products = useQuery(listProductsOptions({ query: { limit: PRODUCTS_SHOWN } }));
  const items = products.data?.items ?? [];
  return (
    <>
      <p className="onboarding-lead">
        Pick a product and open it in the Studio: choose a scene, see the credit cost, and generate. A lifestyle image
        costs 1 credit at 1k or 2k
        {balance.data ? `; you have ${formatNumber(balance.data.available)} credits` : ''}.
      </p>
      {done && (
        <Alert tone="success" title="Your first image is ready">
          Approve it in the next step.
        </Alert>
      )}
      {products.isPending ? (
        <LoadingBlock label="Loading your products" />
      ) : products.isError ? (
        <ErrorState error={products.error} what="your products" onRetry={() => void products.refetch()} retrying={products.isFetching} />
      ) : items.length === 0 ? (
        <Alert
          tone="info"
          title="Add a product first"
          actions={
            <Button size="sm" onClick={onAddProducts}>
              Add products
            </Button>
          }
        >
          The Studio starts from one of your product photos.
        </Alert>
      ) : (
        <ul className="onboarding-products" aria-label="Your products">
          {items.map((product) => {
            const image = primaryImage(product);
            return (
              <li key={product.id}>
                <Link to={`/studio?product=${encodeURIComponent(product.id)}`} className="onboarding-product">
                  <span className="thumb onboarding-product-thumb">
                    {image ? <img src={image.preview_url} alt="" loading="lazy" /> : <BoxIcon />}
                  </span>
                  <span className="onboarding-product-name">{product.name}</span>
                  <span className="onboarding-product-cta">
                    <SparklesIcon width={14} height={14} /> Open in Studio
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}

function ApproveStep({ done }: { done: boolean }) {
  const assets = useQuery(listAssetsOptions({ query: { limit: ASSETS_SHOWN } }));
  const recent = assets.data?.items ?? [];
  return (
    <>
      <p className="onboarding-lead">
        Look at what the Studio made, compare it with the original, and approve the ones you like. Approved images can be
        published to your store.
      </p>
      {done && (
        <Alert tone="success" title="You approved your first image">
          That's the whole loop. Publish it to your store from Assets.
        </Alert>
      )}
      {assets.isPending ? (
        <LoadingBlock label="Loading your images" />
      ) : assets.isError ? (
        <ErrorState error={assets.error} what="your images" onRetry={() => void assets.refetch()} retrying={assets.isFetching} />
      ) : recent.length > 0 ? (
        <ul className="onboarding-assets" aria-label="Recent images">
          {recent.map((asset) => (
            <li key={asset.id}>
              <Link to="/assets" className="onboarding-asset">
                <img src={asset.preview_url} alt="Generated image" loading="lazy" />
                {asset.approval === 'approved' && <Badge tone="success">Approved</Badge>}
              </Link>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No images yet: generate one in the previous step first.</p>
      )}
      <Link to="/assets" className={buttonClass('primary')}>
        <ImageIcon /> Review in Assets
      </Link>
    </>
  );
}

function Finished({ states, onPick }: { states: StepState[]; onPick: (id: StepId) => void }) {
  const open = states.filter((state) => state.status !== 'done');
  return (
    <section className="card onboarding-card" aria-labelledby="finished-title">
      <h2 className="onboarding-title" id="finished-title">
        {open.length === 0 ? "You're all set" : 'That was the last step'}
      </h2>
      <p className="onboarding-lead">
        {open.length === 0
          ? 'Your workspace is ready: products in, a first image approved. The Studio is where the rest happens.'
          : 'You skipped a few steps. Pick them up whenever you like: this page remembers where you are.'}
      </p>
      {open.length > 0 && (
        <ul className="link-list">
          {open.map((state) => (
            <li key={state.id}>
              <button type="button" className="onboarding-link-button" onClick={() => onPick(state.id)}>
                {state.title}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="button-row">
        <Link to="/" className={buttonClass('primary')}>
          Go to the dashboard
        </Link>
        <Link to="/studio" className={buttonClass('secondary')}>
          Open the Studio
        </Link>
      </div>
    </section>
  );
}
