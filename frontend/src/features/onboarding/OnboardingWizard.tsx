import './onboarding.css';

import { type FormEvent, type ReactNode, useState } from 'react';
import { Link, useSearchParams } from 'react-router';

import { BoxIcon, ImageIcon, SparklesIcon, StoreIcon } from '@/components/icons';
import { Alert, Badge, Button, buttonClass, FormError, LoadingBlock, TextField } from '@/components/ui';
import { type Session, useSession } from '@/features/auth/session';
import { billingErrorMessage } from '@/features/billing/errors';
import { useCheckout, useCreditCosts, usePlans } from '@/features/billing/hooks';
import { CheckIcon } from '@/features/billing/icons';
import { bestSavingPercent, IntervalToggle, PlanCards } from '@/features/billing/PlanCards';
import {
  formatNumber,
  type Interval,
  isFree,
  isInterval,
  type Plan,
  planPrice,
  TRIAL_CREDITS,
  TRIAL_DAYS,
} from '@/features/billing/plans';
import { useCreditBalance } from '@/features/credits/hooks';
import { useUpdateOrganization } from '@/features/organization/hooks';
import { NewProductsUpload } from '@/features/products/NewProductsUpload';
import { primaryImage } from '@/features/products/hooks';
import { cx } from '@/lib/cx';
import { formErrors } from '@/lib/problem';
import { canManageWorkspace, canWrite } from '@/lib/roles';

import { useOnboardingData } from './hooks';
import {
  doneCount,
  firstOpenStep,
  type LocalProgress,
  loadLocalProgress,
  nextStep,
  saveLocalProgress,
  STEP_IDS,
  type StepId,
  type StepState,
  stepStates,
} from './steps';

type Data = ReturnType<typeof useOnboardingData>;

/**
 * The wizard after sign-up: workspace name → plan (checkout) or the free trial → a store or products → a first
 * image → approving it. Every step can be skipped and the wizard resumes at the first step that isn't done.
 */
export function OnboardingWizard() {
  const me = useSession();
  const data = useOnboardingData(me);
  const organizationId = me.organization.id;
  const [local, setLocal] = useState<LocalProgress>(() => loadLocalProgress(organizationId));
  const states = stepStates(data.facts, local);
  // Opens where the workspace really is, once its data is in; after that the merchant moves freely.
  const [current, setCurrent] = useState<StepId | 'finished' | null>(null);
  if (current === null && !data.pending) setCurrent(firstOpenStep(states) ?? 'finished');

  const update = (change: Partial<LocalProgress>) => {
    const next = { ...local, ...change };
    setLocal(next);
    saveLocalProgress(organizationId, next);
  };
  const goNext = (from: StepId) => setCurrent(nextStep(stepStates(data.facts, local), from) ?? 'finished');
  const skip = (id: StepId) => {
    update({ skipped: [...new Set([...local.skipped, id])] });
    setCurrent(nextStep(states, id) ?? 'finished');
  };

  if (current === null) return <LoadingBlock label="Loading your setup" />;

  const done = doneCount(states);
  return (
    <div className="onboarding">
      <nav className="onboarding-nav card" aria-label="Setup steps">
        <div className="onboarding-nav-head">
          <p className="onboarding-progress-label" id="onboarding-progress">
            {done} of {STEP_IDS.length} done
          </p>
          <div
            className="meter onboarding-meter"
            role="progressbar"
            aria-labelledby="onboarding-progress"
            aria-valuemin={0}
            aria-valuemax={STEP_IDS.length}
            aria-valuenow={done}
          >
            <div className="meter-fill" style={{ width: `${Math.round((done / STEP_IDS.length) * 100)}%` }} />
          </div>
        </div>
        <ol className="onboarding-steps">
          {states.map((state, index) => (
            <li key={state.id}>
              <button
                type="button"
                className={cx('onboarding-step', `onboarding-step--${state.status}`, current === state.id && 'onboarding-step--current')}
                aria-current={current === state.id ? 'step' : undefined}
                onClick={() => setCurrent(state.id)}
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
          <Finished states={states} onPick={setCurrent} />
        ) : (
          <StepPanel
            id={current}
            state={states.find((state) => state.id === current)}
            index={STEP_IDS.indexOf(current)}
            onSkip={() => skip(current)}
            onNext={() => goNext(current)}
            onBack={STEP_IDS.indexOf(current) > 0 ? () => setCurrent(STEP_IDS[STEP_IDS.indexOf(current) - 1] ?? current) : undefined}
          >
            {current === 'workspace' && <WorkspaceStep me={me} onSaved={() => goNext('workspace')} />}
            {current === 'plan' && (
              <PlanStep
                me={me}
                data={data}
                onTrial={() => {
                  update({ trialChosen: true });
                  setCurrent(nextStep(stepStates(data.facts, { ...local, trialChosen: true }), 'plan') ?? 'finished');
                }}
              />
            )}
            {current === 'catalog' && <CatalogStep me={me} data={data} />}
            {current === 'generate' && <GenerateStep data={data} onAddProducts={() => setCurrent('catalog')} />}
            {current === 'approve' && <ApproveStep data={data} />}
          </StepPanel>
        )}
        {data.failed && (
          <p className="muted onboarding-failed">Some of your progress couldn't be checked right now; reload to try again.</p>
        )}
      </div>
    </div>
  );
}

interface StepPanelProps {
  id: StepId;
  state: StepState | undefined;
  index: number;
  children: ReactNode;
  onSkip: () => void;
  onNext: () => void;
  onBack?: () => void;
}

function StepPanel({ id, state, index, children, onSkip, onNext, onBack }: StepPanelProps) {
  const done = state?.status === 'done';
  return (
    <section className="card onboarding-card" aria-labelledby={`step-${id}-title`}>
      <p className="onboarding-eyebrow">
        Step {index + 1} of {STEP_IDS.length}
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
          <Button variant="ghost" onClick={onSkip}>
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

function PlanStep({ me, data, onTrial }: { me: Session; data: Data; onTrial: () => void }) {
  const [params] = useSearchParams();
  const plans = usePlans();
  const costs = useCreditCosts();
  const checkout = useCheckout({ from: 'onboarding' });
  const picked = params.get('plan');
  const requested = params.get('interval');
  const [interval, setBillingInterval] = useState<Interval>(isInterval(requested) ? requested : 'month');
  const [clicked, setClicked] = useState<string | null>(null);
  const manage = canManageWorkspace(me.role);
  const subscription = data.subscription;

  if (data.facts.hasPlan && subscription) {
    return (
      <Alert tone="success" title={`You're on the ${subscription.plan.name} plan`}>
        {formatNumber(subscription.plan.monthly_credits)} credits a month and {formatNumber(subscription.plan.product_slots)}{' '}
        product slots. Manage it any time on the <Link to="/billing">Billing page</Link>.
      </Alert>
    );
  }
  if (plans.isPending) return <LoadingBlock label="Loading plans" />;
  const paid = (plans.data?.items ?? []).filter((plan) => !isFree(plan) && plan.purchasable);
  const pickedPlan = paid.find((plan) => plan.code === picked);
  const choose = (plan: Plan) => {
    setClicked(plan.code);
    checkout.start({ kind: 'plan', plan, interval });
  };

  return (
    <>
      <p className="onboarding-lead">
        Your free trial is running: {TRIAL_CREDITS} credits for {TRIAL_DAYS} days. Keep it while you look around, or pick
        a plan now; you pay with Stripe and can change or cancel any time.
      </p>
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
        <Button variant={pickedPlan ? 'ghost' : 'secondary'} onClick={onTrial}>
          Continue with the free trial
        </Button>
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

function CatalogStep({ me, data }: { me: Session; data: Data }) {
  const connected = data.stores[0];
  return (
    <>
      <p className="onboarding-lead">
        Epox works from your product photos. Connect your store to import products (and publish images back later), or
        drop a few photos right here.
      </p>
      {data.facts.hasCatalog && (
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

function GenerateStep({ data, onAddProducts }: { data: Data; onAddProducts: () => void }) {
  const balance = useCreditBalance();
  const products = data.products;
  return (
    <>
      <p className="onboarding-lead">
        Pick a product and open it in the Studio: choose a scene, see the credit cost, and generate. A lifestyle image
        costs 1 credit at 1k or 2k
        {balance.data ? `; you have ${formatNumber(balance.data.available)} credits` : ''}.
      </p>
      {data.facts.hasAsset && (
        <Alert tone="success" title="Your first image is ready">
          Approve it in the next step.
        </Alert>
      )}
      {products.length === 0 ? (
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
          {products.map((product) => {
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

function ApproveStep({ data }: { data: Data }) {
  const recent = data.assets.slice(0, 4);
  return (
    <>
      <p className="onboarding-lead">
        Look at what the Studio made, compare it with the original, and approve the ones you like. Approved images can be
        published to your store.
      </p>
      {data.facts.hasApprovedAsset && (
        <Alert tone="success" title="You approved your first image">
          That's the whole loop. Publish it to your store from Assets.
        </Alert>
      )}
      {recent.length > 0 ? (
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
