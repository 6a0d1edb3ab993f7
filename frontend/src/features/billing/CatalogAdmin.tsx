import './billing.css';

import { type FormEvent, type ReactNode, useState } from 'react';

import type { PackCreate, PlanCreate } from '@/client/types.gen';
import { Alert, Badge, Button, Card, Dialog, EmptyState, ErrorState, Field, FormError, LoadingBlock, Select, Table, TextField } from '@/components/ui';
import { CURRENCIES } from '@/features/products/price';
import { formErrors, parseError } from '@/lib/problem';

import {
  type AdminPack,
  type AdminPlan,
  changedFields,
  checkPack,
  checkPlan,
  type DraftErrors,
  nextSortOrder,
  PACK_FIELDS,
  type PackDraft,
  packDraft,
  PLAN_FIELDS,
  type PlanDraft,
  planDraft,
} from './catalog';
import { useAdminPacks, useAdminPlans, useCreatePack, useCreatePlan, useUpdatePack, useUpdatePlan } from './hooks';
import { formatMoney, formatNumber, perCreditPrice, plural, TRIAL_PLAN } from './plans';

/** The API's answer to a failed save, split between the form's inputs and one general line. */
function serverErrors<D extends { code: string }>(
  error: unknown,
  fields: Record<string, keyof D>,
): { fields: DraftErrors<D>; general: string | null } {
  if (!error) return { fields: {}, general: null };
  const parsed = parseError(error);
  if (parsed.code === 'catalog_code_taken') return { fields: { code: parsed.message } as DraftErrors<D>, general: null };
  const split = formErrors(error, Object.keys(fields));
  const mapped: DraftErrors<D> = {};
  for (const [field, message] of Object.entries(split.fields)) {
    const input = fields[field];
    if (input && message) mapped[input] = message;
  }
  return { fields: mapped, general: split.general };
}

/** The currencies offered: the usual ones, and whatever a row already uses. */
function currencyOptions(current: string): string[] {
  const known = CURRENCIES.map((code) => code.toLowerCase());
  return known.includes(current) || !current ? known : [current, ...known];
}

/** On sale or not, saved as soon as it is flipped; shows the new state while it saves, the old one if that fails. */
function SaleSwitch({
  name,
  purchasable,
  onChange,
  saving,
  error,
}: {
  name: string;
  purchasable: boolean;
  onChange: (purchasable: boolean) => void;
  /** The state being saved; null when nothing is. */
  saving: boolean | null;
  error: unknown;
}) {
  const shown = saving ?? purchasable;
  return (
    <>
      <label className="check switch catalog-sale">
        <input
          type="checkbox"
          role="switch"
          aria-label={`${name} on sale`}
          checked={shown}
          disabled={saving !== null}
          aria-busy={saving !== null || undefined}
          onChange={(event) => onChange(event.target.checked)}
        />
        <span aria-hidden="true">{shown ? 'On sale' : 'Off sale'}</span>
      </label>
      {error ? (
        <p className="field-error" role="alert">
          Couldn't change it: {parseError(error).message}
        </p>
      ) : null}
    </>
  );
}

function PlanSaleSwitch({ plan }: { plan: AdminPlan }) {
  const update = useUpdatePlan();
  return (
    <SaleSwitch
      name={plan.name}
      purchasable={plan.purchasable}
      saving={update.isPending ? (update.variables.body.purchasable ?? null) : null}
      error={update.error}
      onChange={(purchasable) => update.mutate({ path: { plan_code: plan.code }, body: { purchasable } })}
    />
  );
}

function PackSaleSwitch({ pack }: { pack: AdminPack }) {
  const update = useUpdatePack();
  return (
    <SaleSwitch
      name={pack.name}
      purchasable={pack.purchasable}
      saving={update.isPending ? (update.variables.body.purchasable ?? null) : null}
      error={update.error}
      onChange={(purchasable) => update.mutate({ path: { pack_code: pack.code }, body: { purchasable } })}
    />
  );
}

function NameCell({ name, code }: { name: string; code: string }) {
  return (
    <td>
      <span className="cell-primary">{name}</span>
      <span className="cell-secondary catalog-code">{code}</span>
    </td>
  );
}

/** Shown after a save; dismissed by hand or by the next save. */
function Saved({ message, onDismiss }: { message: string | null; onDismiss: () => void }) {
  if (!message) return null;
  return (
    <Alert
      tone="success"
      className="catalog-saved"
      actions={
        <Button size="sm" variant="ghost" onClick={onDismiss}>
          Dismiss
        </Button>
      }
    >
      {message}
    </Alert>
  );
}

function PlansSection() {
  const plans = useAdminPlans();
  const [editing, setEditing] = useState<AdminPlan | 'new' | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const rows = plans.data?.items ?? [];

  let body: ReactNode;
  if (plans.isPending) body = <LoadingBlock label="Loading plans" />;
  else if (plans.isError)
    body = <ErrorState error={plans.error} what="the plans" onRetry={() => void plans.refetch()} retrying={plans.isFetching} />;
  else if (rows.length === 0) body = <EmptyState title="No plans yet" description="Create the first one: New plan." />;
  else
    body = (
      <Table
        caption="Plans"
        head={
          <tr>
            <th scope="col">Plan</th>
            <th scope="col" className="cell-number">
              Price
            </th>
            <th scope="col" className="cell-number">
              Credits a month
            </th>
            <th scope="col" className="cell-number">
              Product slots
            </th>
            <th scope="col" className="cell-number">
              Seats
            </th>
            <th scope="col" className="cell-number">
              Jobs at a time
            </th>
            <th scope="col">API</th>
            <th scope="col">On sale</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        }
      >
        {rows.map((plan) => (
          <tr key={plan.code}>
            <NameCell name={plan.name} code={plan.code} />
            <td className="cell-number">
              {formatMoney(plan.monthly_price_cents, plan.currency)}/month
              <span className="cell-secondary catalog-sub">
                {plan.yearly_price_cents === null
                  ? 'No yearly price'
                  : `${formatMoney(plan.yearly_price_cents, plan.currency)}/year`}
              </span>
            </td>
            <td className="cell-number">
              {formatNumber(plan.monthly_credits)}
              {plan.trial_credits > 0 && (
                <span className="cell-secondary catalog-sub">
                  {plural(plan.trial_credits, 'credit')} at sign-up, {plural(plan.trial_days, 'day')}
                </span>
              )}
            </td>
            <td className="cell-number">{formatNumber(plan.product_slots)}</td>
            <td className="cell-number">{plan.seats === null ? 'Unlimited' : formatNumber(plan.seats)}</td>
            <td className="cell-number">{formatNumber(plan.concurrent_jobs)}</td>
            <td>{plan.api_access ? 'Yes' : 'No'}</td>
            <td>{plan.code === TRIAL_PLAN ? <Badge>Sign-up plan</Badge> : <PlanSaleSwitch plan={plan} />}</td>
            <td className="cell-actions">
              <Button size="sm" aria-label={`Edit ${plan.name}`} onClick={() => setEditing(plan)}>
                Edit
              </Button>
            </td>
          </tr>
        ))}
      </Table>
    );

  return (
    <Card
      title="Plans"
      description="New checkouts use these prices; running subscriptions keep theirs until they change plan. Slots, seats and jobs apply to every workspace on the plan at once."
      actions={
        <Button variant="primary" size="sm" onClick={() => setEditing('new')} disabled={!plans.data}>
          New plan
        </Button>
      }
    >
      <Saved message={saved} onDismiss={() => setSaved(null)} />
      {body}
      {editing && (
        <PlanDialog
          plan={editing === 'new' ? undefined : editing}
          sortOrder={nextSortOrder(rows)}
          onClose={() => setEditing(null)}
          onSaved={(message) => setSaved(message)}
        />
      )}
    </Card>
  );
}

function PacksSection() {
  const packs = useAdminPacks();
  const [editing, setEditing] = useState<AdminPack | 'new' | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const rows = packs.data?.items ?? [];

  let body: ReactNode;
  if (packs.isPending) body = <LoadingBlock label="Loading credit packs" />;
  else if (packs.isError)
    body = <ErrorState error={packs.error} what="the credit packs" onRetry={() => void packs.refetch()} retrying={packs.isFetching} />;
  else if (rows.length === 0) body = <EmptyState title="No credit packs yet" description="Create the first one: New pack." />;
  else
    body = (
      <Table
        caption="Credit packs"
        head={
          <tr>
            <th scope="col">Pack</th>
            <th scope="col" className="cell-number">
              Credits
            </th>
            <th scope="col" className="cell-number">
              Price
            </th>
            <th scope="col" className="cell-number">
              Per credit
            </th>
            <th scope="col">On sale</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        }
      >
        {rows.map((pack) => (
          <tr key={pack.code}>
            <NameCell name={pack.name} code={pack.code} />
            <td className="cell-number">{formatNumber(pack.credits)}</td>
            <td className="cell-number">{formatMoney(pack.price_cents, pack.currency)}</td>
            <td className="cell-number">{perCreditPrice(pack.price_cents, pack.credits, pack.currency)}</td>
            <td>
              <PackSaleSwitch pack={pack} />
            </td>
            <td className="cell-actions">
              <Button size="sm" aria-label={`Edit ${pack.name}`} onClick={() => setEditing(pack)}>
                Edit
              </Button>
            </td>
          </tr>
        ))}
      </Table>
    );

  return (
    <Card
      title="Credit packs"
      description="One-off purchases; credits never expire. Packs already bought keep their credits whatever changes here."
      actions={
        <Button variant="primary" size="sm" onClick={() => setEditing('new')} disabled={!packs.data}>
          New pack
        </Button>
      }
    >
      <Saved message={saved} onDismiss={() => setSaved(null)} />
      {body}
      {editing && (
        <PackDialog
          pack={editing === 'new' ? undefined : editing}
          sortOrder={nextSortOrder(rows)}
          onClose={() => setEditing(null)}
          onSaved={(message) => setSaved(message)}
        />
      )}
    </Card>
  );
}

interface EditorProps {
  /** Where a new row goes in the list. */
  sortOrder: number;
  onClose: () => void;
  onSaved: (message: string) => void;
}

/** A form's inputs, and the message for each: ours from the last submit, else the API's from the last save. */
function useDraft<D extends { code: string }>(initial: () => D, fields: Record<string, keyof D>, error: unknown) {
  const [draft, setDraft] = useState(initial);
  const [local, setLocal] = useState<DraftErrors<D>>({});
  // Inputs changed since the last submit: their old messages no longer apply.
  const [edited, setEdited] = useState<ReadonlySet<keyof D>>(new Set());
  const server = serverErrors<D>(error, fields);
  const set = <K extends keyof D>(key: K, value: D[K]) => {
    setDraft((current) => ({ ...current, [key]: value }));
    setEdited((current) => new Set(current).add(key));
  };
  const submitted = (errors: DraftErrors<D> | null) => {
    setLocal(errors ?? {});
    setEdited(new Set());
  };
  const errorFor = (field: keyof D) => (edited.has(field) ? null : (local[field] ?? server.fields[field] ?? null));
  return { draft, set, submitted, errorFor, general: server.general };
}

function CurrencyField({ value, onChange, error }: { value: string; onChange: (value: string) => void; error: string | null }) {
  return (
    <Field label="Currency" error={error}>
      {(control) => (
        <Select {...control} name="currency" value={value} onChange={(event) => onChange(event.target.value)}>
          {currencyOptions(value).map((code) => (
            <option key={code} value={code}>
              {code.toUpperCase()}
            </option>
          ))}
        </Select>
      )}
    </Field>
  );
}

function Check({ label, checked, onChange, hint }: { label: string; checked: boolean; onChange: (checked: boolean) => void; hint?: string }) {
  return (
    <div className="catalog-check">
      <label className="check">
        <input type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} />
        <span>{label}</span>
      </label>
      {hint && <p className="field-hint">{hint}</p>}
    </div>
  );
}

function FormActions({ pending, isNew, onCancel }: { pending: boolean; isNew: boolean; onCancel: () => void }) {
  return (
    <div className="form-actions catalog-form-actions">
      <Button onClick={onCancel} disabled={pending}>
        Cancel
      </Button>
      <Button type="submit" variant="primary" loading={pending}>
        {isNew ? 'Create' : 'Save changes'}
      </Button>
    </div>
  );
}

/** Edits `plan`, or creates one when there is none. */
function PlanDialog({ plan, sortOrder, onClose, onSaved }: EditorProps & { plan?: AdminPlan }) {
  const create = useCreatePlan();
  const update = useUpdatePlan();
  const isNew = !plan;
  const mutation = isNew ? create : update;
  const { draft, set, submitted, errorFor, general } = useDraft<PlanDraft>(() => planDraft(plan, sortOrder), PLAN_FIELDS, mutation.error);
  const isTrial = plan?.code === TRIAL_PLAN;
  const showTrial = isTrial || (plan?.trial_credits ?? 0) > 0;
  const money = draft.currency.toUpperCase();

  const done = (saved: AdminPlan) => {
    onSaved(isNew ? `${saved.name} created${saved.purchasable ? ' and on sale' : ''}.` : `${saved.name} saved.`);
    onClose();
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const checked = checkPlan(draft, isNew);
    submitted(checked.errors);
    if (!checked.values) return;
    if (!plan) return create.mutate({ body: checked.values }, { onSuccess: done });
    const changes = changedFields<PlanCreate>(checked.values, plan);
    if (Object.keys(changes).length === 0) return onClose();
    update.mutate({ path: { plan_code: plan.code }, body: changes }, { onSuccess: done });
  };

  return (
    <Dialog
      open
      title={plan ? `Edit ${plan.name}` : 'New plan'}
      description={plan ? `Code: ${plan.code}` : 'The code names the plan in links and in Stripe; it cannot change later.'}
      onClose={onClose}
      dismissible={!mutation.isPending}
    >
      <form className="form catalog-form" onSubmit={submit} noValidate aria-label={plan ? `Edit ${plan.name}` : 'New plan'}>
        <fieldset className="form-fieldset" disabled={mutation.isPending}>
          <div className="catalog-form-grid">
            <TextField label="Name" name="name" maxLength={80} value={draft.name} onChange={(event) => set('name', event.target.value)} error={errorFor('name')} data-autofocus />
            {isNew && (
              <TextField
                label="Code"
                name="code"
                autoComplete="off"
                spellCheck={false}
                maxLength={40}
                value={draft.code}
                onChange={(event) => set('code', event.target.value)}
                error={errorFor('code')}
                hint="Like growth or pro_2027."
              />
            )}
          </div>
          <fieldset className="catalog-group">
            <legend className="catalog-legend">Price</legend>
            <div className="catalog-form-grid catalog-form-grid--3">
              <TextField label={`Monthly price (${money})`} name="monthly_price" inputMode="decimal" placeholder="49.00" value={draft.monthlyPrice} onChange={(event) => set('monthlyPrice', event.target.value)} error={errorFor('monthlyPrice')} />
              <TextField
                label={`Yearly price (${money})`}
                name="yearly_price"
                inputMode="decimal"
                placeholder="Optional"
                value={draft.yearlyPrice}
                onChange={(event) => set('yearlyPrice', event.target.value)}
                error={errorFor('yearlyPrice')}
                hint="Empty: sold monthly only."
              />
              <CurrencyField value={draft.currency} onChange={(value) => set('currency', value)} error={errorFor('currency')} />
            </div>
          </fieldset>
          <fieldset className="catalog-group">
            <legend className="catalog-legend">What it includes</legend>
            <div className="catalog-form-grid catalog-form-grid--3">
              <TextField label="Credits a month" name="monthly_credits" inputMode="numeric" value={draft.monthlyCredits} onChange={(event) => set('monthlyCredits', event.target.value)} error={errorFor('monthlyCredits')} />
              <TextField label="Product slots" name="product_slots" inputMode="numeric" value={draft.productSlots} onChange={(event) => set('productSlots', event.target.value)} error={errorFor('productSlots')} />
              <TextField
                label="Rollover cap"
                name="rollover_cap"
                inputMode="numeric"
                value={draft.rolloverCap}
                onChange={(event) => set('rolloverCap', event.target.value)}
                error={errorFor('rolloverCap')}
                hint="Unused credits carried into the next period; 0 for none."
              />
              <div>
                <TextField
                  label="Seats"
                  name="seats"
                  inputMode="numeric"
                  value={draft.unlimitedSeats ? '' : draft.seats}
                  placeholder={draft.unlimitedSeats ? 'Unlimited' : undefined}
                  disabled={draft.unlimitedSeats}
                  onChange={(event) => set('seats', event.target.value)}
                  error={errorFor('seats')}
                />
                <Check label="Unlimited seats" checked={draft.unlimitedSeats} onChange={(checked) => set('unlimitedSeats', checked)} />
              </div>
              <TextField label="Jobs at a time" name="concurrent_jobs" inputMode="numeric" value={draft.concurrentJobs} onChange={(event) => set('concurrentJobs', event.target.value)} error={errorFor('concurrentJobs')} />
              <Check label="API access" checked={draft.apiAccess} onChange={(checked) => set('apiAccess', checked)} hint="Lets the workspace create API keys." />
            </div>
          </fieldset>
          {showTrial && (
            <fieldset className="catalog-group">
              <legend className="catalog-legend">Sign-up grant</legend>
              <div className="catalog-form-grid">
                <TextField
                  label="Trial credits"
                  name="trial_credits"
                  inputMode="numeric"
                  value={draft.trialCredits}
                  onChange={(event) => set('trialCredits', event.target.value)}
                  error={errorFor('trialCredits')}
                  hint="Given once to each new workspace; 0 for none."
                />
                <TextField label="Valid for (days)" name="trial_days" inputMode="numeric" value={draft.trialDays} onChange={(event) => set('trialDays', event.target.value)} error={errorFor('trialDays')} />
              </div>
            </fieldset>
          )}
          <fieldset className="catalog-group">
            <legend className="catalog-legend">Listing</legend>
            <div className="catalog-form-grid">
              <TextField
                label="Position"
                name="sort_order"
                inputMode="numeric"
                value={draft.sortOrder}
                onChange={(event) => set('sortOrder', event.target.value)}
                error={errorFor('sortOrder')}
                hint="Lower comes first on the pricing page."
              />
              {!isTrial && (
                <Check
                  label="On sale"
                  checked={draft.purchasable}
                  onChange={(checked) => set('purchasable', checked)}
                  hint="Off: hidden from pricing and checkout; workspaces on it keep it."
                />
              )}
            </div>
          </fieldset>
          <FormError message={general} />
          <FormActions pending={mutation.isPending} isNew={isNew} onCancel={onClose} />
        </fieldset>
      </form>
    </Dialog>
  );
}

/** Edits `pack`, or creates one when there is none. */
function PackDialog({ pack, sortOrder, onClose, onSaved }: EditorProps & { pack?: AdminPack }) {
  const create = useCreatePack();
  const update = useUpdatePack();
  const isNew = !pack;
  const mutation = isNew ? create : update;
  const { draft, set, submitted, errorFor, general } = useDraft<PackDraft>(() => packDraft(pack, sortOrder), PACK_FIELDS, mutation.error);

  const done = (saved: AdminPack) => {
    onSaved(isNew ? `${saved.name} created${saved.purchasable ? ' and on sale' : ''}.` : `${saved.name} saved.`);
    onClose();
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const checked = checkPack(draft, isNew);
    submitted(checked.errors);
    if (!checked.values) return;
    if (!pack) return create.mutate({ body: checked.values }, { onSuccess: done });
    const changes = changedFields<PackCreate>(checked.values, pack);
    if (Object.keys(changes).length === 0) return onClose();
    update.mutate({ path: { pack_code: pack.code }, body: changes }, { onSuccess: done });
  };

  return (
    <Dialog
      open
      title={pack ? `Edit ${pack.name}` : 'New credit pack'}
      description={pack ? `Code: ${pack.code}` : 'The code names the pack in links and in Stripe; it cannot change later.'}
      onClose={onClose}
      dismissible={!mutation.isPending}
    >
      <form className="form catalog-form" onSubmit={submit} noValidate aria-label={pack ? `Edit ${pack.name}` : 'New credit pack'}>
        <fieldset className="form-fieldset" disabled={mutation.isPending}>
          <div className="catalog-form-grid">
            <TextField label="Name" name="name" maxLength={80} value={draft.name} onChange={(event) => set('name', event.target.value)} error={errorFor('name')} data-autofocus />
            {isNew && (
              <TextField
                label="Code"
                name="code"
                autoComplete="off"
                spellCheck={false}
                maxLength={40}
                value={draft.code}
                onChange={(event) => set('code', event.target.value)}
                error={errorFor('code')}
                hint="Like pack_500."
              />
            )}
          </div>
          <div className="catalog-form-grid catalog-form-grid--3">
            <TextField label="Credits" name="credits" inputMode="numeric" value={draft.credits} onChange={(event) => set('credits', event.target.value)} error={errorFor('credits')} />
            <TextField label={`Price (${draft.currency.toUpperCase()})`} name="price" inputMode="decimal" placeholder="12.00" value={draft.price} onChange={(event) => set('price', event.target.value)} error={errorFor('price')} />
            <CurrencyField value={draft.currency} onChange={(value) => set('currency', value)} error={errorFor('currency')} />
          </div>
          <div className="catalog-form-grid">
            <TextField
              label="Position"
              name="sort_order"
              inputMode="numeric"
              value={draft.sortOrder}
              onChange={(event) => set('sortOrder', event.target.value)}
              error={errorFor('sortOrder')}
              hint="Lower comes first."
            />
            <Check label="On sale" checked={draft.purchasable} onChange={(checked) => set('purchasable', checked)} hint="Off: no longer offered on Pricing and Billing." />
          </div>
          <FormError message={general} />
          <FormActions pending={mutation.isPending} isNew={isNew} onCancel={onClose} />
        </fieldset>
      </form>
    </Dialog>
  );
}

/** Platform admins: the plans and credit packs on sale, edited in place; every change is audited by the API. */
export function CatalogAdmin() {
  return (
    <div className="catalog-admin">
      <PlansSection />
      <PacksSection />
    </div>
  );
}
