import './billing.css';

import { type FormEvent, type ReactNode, useState } from 'react';

import type { PackUpdate, PlanUpdate } from '@/client/types.gen';
import { Alert, Badge, Button, Card, Dialog, EmptyState, ErrorState, Field, FormError, LoadingBlock, Select, Table, TextField } from '@/components/ui';
import { CURRENCIES } from '@/features/products/price';
import { formErrors, parseError } from '@/lib/problem';

import {
  type AdminPack,
  type AdminPlan,
  changedFields,
  type Checked,
  checkPack,
  checkPlan,
  type DraftErrors,
  nextSortOrder,
  PACK_FIELDS,
  packDraft,
  PLAN_FIELDS,
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

/** A plan or a pack as the editor lists it. */
interface CatalogRow {
  code: string;
  name: string;
  purchasable: boolean;
}

/** The part of a save mutation the editor uses; the generated create and update mutations fit it. */
interface SaveMutation<Variables, R> {
  isPending: boolean;
  error: unknown;
  variables: Variables | undefined;
  mutate(variables: Variables, options?: { onSuccess: (saved: R) => void }): void;
}

/** An update's variables: the row's code in the path, the fields to change in the body. */
type UpdateOf<Changes, Variables> = (code: string, changes: Changes) => Variables;

const planUpdate = (code: string, body: PlanUpdate) => ({ path: { plan_code: code }, body });
const packUpdate = (code: string, body: PackUpdate) => ({ path: { pack_code: code }, body });

/** On sale or not, saved as soon as it is flipped; shows the new state while it saves, the old one if that fails. */
function SaleSwitch<R extends CatalogRow, V extends { body: { purchasable?: boolean | null } }>({
  row,
  update,
  updateOf,
}: {
  row: R;
  /** This row's own mutation, so each switch shows its own save. */
  update: SaveMutation<V, R>;
  updateOf: UpdateOf<{ purchasable: boolean }, V>;
}) {
  // The state being saved; null when nothing is.
  const saving = update.isPending ? (update.variables?.body.purchasable ?? null) : null;
  const shown = saving ?? row.purchasable;
  return (
    <>
      <label className="check switch catalog-sale">
        <input
          type="checkbox"
          role="switch"
          aria-label={`${row.name} on sale`}
          checked={shown}
          disabled={saving !== null}
          aria-busy={saving !== null || undefined}
          onChange={(event) => update.mutate(updateOf(row.code, { purchasable: event.target.checked }))}
        />
        <span aria-hidden="true">{shown ? 'On sale' : 'Off sale'}</span>
      </label>
      {update.error ? (
        <p className="field-error" role="alert">
          Couldn't change it: {parseError(update.error).message}
        </p>
      ) : null}
    </>
  );
}

function PlanSaleSwitch({ plan }: { plan: AdminPlan }) {
  return <SaleSwitch row={plan} update={useUpdatePlan()} updateOf={planUpdate} />;
}

function PackSaleSwitch({ pack }: { pack: AdminPack }) {
  return <SaleSwitch row={pack} update={useUpdatePack()} updateOf={packUpdate} />;
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

interface EditorProps {
  /** Where a new row goes in the list. */
  sortOrder: number;
  onClose: () => void;
  onSaved: (message: string) => void;
}

/** The list query of a section; the generated admin list queries fit it. */
interface CatalogQuery<R> {
  data: { items: R[] } | undefined;
  isPending: boolean;
  isError: boolean;
  error: unknown;
  isFetching: boolean;
  refetch: () => Promise<unknown>;
}

/**
 * One kind of catalog row (plans, packs): its table with an Edit button per row, a New button, the dialog that
 * edits or creates one, and the message after a save.
 */
function CatalogSection<R extends CatalogRow & { sort_order: number }>({
  title,
  rowHeader,
  plural,
  newLabel,
  description,
  query,
  columns,
  cells,
  dialog,
}: {
  title: string;
  /** The name column's header. */
  rowHeader: string;
  /** The rows in prose: "plans", "credit packs". */
  plural: string;
  newLabel: string;
  description: string;
  query: CatalogQuery<R>;
  /** The header cells of the columns between the name and the actions. */
  columns: ReactNode;
  cells: (row: R) => ReactNode;
  dialog: (props: EditorProps & { row?: R }) => ReactNode;
}) {
  const [editing, setEditing] = useState<R | 'new' | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const rows = query.data?.items ?? [];

  let body: ReactNode;
  if (query.isPending) body = <LoadingBlock label={`Loading ${plural}`} />;
  else if (query.isError)
    body = <ErrorState error={query.error} what={`the ${plural}`} onRetry={() => void query.refetch()} retrying={query.isFetching} />;
  else if (rows.length === 0) body = <EmptyState title={`No ${plural} yet`} description={`Create the first one: ${newLabel}.`} />;
  else
    body = (
      <Table
        caption={title}
        head={
          <tr>
            <th scope="col">{rowHeader}</th>
            {columns}
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        }
      >
        {rows.map((row) => (
          <tr key={row.code}>
            <td>
              <span className="cell-primary">{row.name}</span>
              <span className="cell-secondary catalog-code">{row.code}</span>
            </td>
            {cells(row)}
            <td className="cell-actions">
              <Button size="sm" aria-label={`Edit ${row.name}`} onClick={() => setEditing(row)}>
                Edit
              </Button>
            </td>
          </tr>
        ))}
      </Table>
    );

  return (
    <Card
      title={title}
      description={description}
      actions={
        <Button variant="primary" size="sm" onClick={() => setEditing('new')} disabled={!query.data}>
          {newLabel}
        </Button>
      }
    >
      <Saved message={saved} onDismiss={() => setSaved(null)} />
      {body}
      {editing &&
        dialog({
          row: editing === 'new' ? undefined : editing,
          sortOrder: nextSortOrder(rows),
          onClose: () => setEditing(null),
          onSaved: (message) => setSaved(message),
        })}
    </Card>
  );
}

function PlansSection() {
  return (
    <CatalogSection
      title="Plans"
      rowHeader="Plan"
      plural="plans"
      newLabel="New plan"
      description="New checkouts use these prices; running subscriptions keep theirs until they change plan. Slots, seats and jobs apply to every workspace on the plan at once."
      query={useAdminPlans()}
      columns={
        <>
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
        </>
      }
      cells={(plan) => (
        <>
          <td className="cell-number">
            {formatMoney(plan.monthly_price_cents, plan.currency)}/month
            <span className="cell-secondary catalog-sub">
              {plan.yearly_price_cents === null ? 'No yearly price' : `${formatMoney(plan.yearly_price_cents, plan.currency)}/year`}
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
        </>
      )}
      dialog={({ row, ...props }) => <PlanDialog plan={row} {...props} />}
    />
  );
}

function PacksSection() {
  return (
    <CatalogSection
      title="Credit packs"
      rowHeader="Pack"
      plural="credit packs"
      newLabel="New pack"
      description="One-off purchases; credits never expire. Packs already bought keep their credits whatever changes here."
      query={useAdminPacks()}
      columns={
        <>
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
        </>
      }
      cells={(pack) => (
        <>
          <td className="cell-number">{formatNumber(pack.credits)}</td>
          <td className="cell-number">{formatMoney(pack.price_cents, pack.currency)}</td>
          <td className="cell-number">{perCreditPrice(pack.price_cents, pack.credits, pack.currency)}</td>
          <td>
            <PackSaleSwitch pack={pack} />
          </td>
        </>
      )}
      dialog={({ row, ...props }) => <PackDialog pack={row} {...props} />}
    />
  );
}

/** What every catalog form holds: the row's name and, for a new row, its code. */
interface CatalogDraft {
  code: string;
  name: string;
}

/** The draft's fields that hold a `T` (its name and code always do). */
type FieldsOf<D, T> = { [K in keyof D]-?: D[K] extends T ? K : never }[keyof D];
type TextFields<D> = FieldsOf<D, string> | keyof CatalogDraft;

/** A text input's (or select's) value, change handler and message. */
interface BoundInput {
  value: string;
  onChange: (event: { target: { value: string } }) => void;
  error: string | null;
}

/** What a form's inputs read and write: the draft, and each input bound to its field. */
interface DraftForm<D extends CatalogDraft> {
  draft: D;
  input: (field: TextFields<D>) => BoundInput;
  toggle: (field: FieldsOf<D, boolean>) => { checked: boolean; onChange: (checked: boolean) => void };
}

/** A form's inputs, and the message for each: ours from the last submit, else the API's from the last save. */
function useDraft<D extends CatalogDraft>(initial: () => D, fields: Record<string, keyof D>, error: unknown) {
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
  const form: DraftForm<D> = {
    draft,
    input: (field) => ({
      value: draft[field] as string,
      onChange: (event) => set(field, event.target.value as D[typeof field]),
      error: errorFor(field),
    }),
    toggle: (field) => ({ checked: draft[field] as boolean, onChange: (checked) => set(field, checked as D[typeof field]) }),
  };
  return { form, submitted, general: server.general };
}

function CurrencyField({ value, onChange, error }: BoundInput) {
  return (
    <Field label="Currency" error={error}>
      {(control) => (
        <Select {...control} name="currency" value={value} onChange={onChange}>
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

/**
 * Edits `row`, or creates one when there is none: the dialog, its name and code inputs, the checks, and the save
 * (a new row sends every field, an edit only those that changed; nothing changed just closes). `children` are the
 * inputs of the row's own fields.
 */
function CatalogDialog<D extends CatalogDraft, V extends { code: string }, R extends CatalogRow, U>({
  row,
  noun,
  newTitle,
  codeHint,
  initial,
  fields,
  check,
  create,
  update,
  updateOf,
  onClose,
  onSaved,
  children,
}: Omit<EditorProps, 'sortOrder'> & {
  row?: R;
  /** What the code names: "plan", "pack". */
  noun: string;
  newTitle: string;
  codeHint: string;
  initial: () => D;
  /** Where each API field is typed, for the API's field errors. */
  fields: Record<string, keyof D>;
  check: (draft: D, isNew: boolean) => Checked<V, D>;
  create: SaveMutation<{ body: V }, R>;
  update: SaveMutation<U, R>;
  updateOf: UpdateOf<Partial<Omit<V, 'code'>>, U>;
  children: (form: DraftForm<D>) => ReactNode;
}) {
  const isNew = !row;
  const mutation = isNew ? create : update;
  const { form, submitted, general } = useDraft<D>(initial, fields, mutation.error);
  const title = row ? `Edit ${row.name}` : newTitle;

  const done = (saved: R) => {
    onSaved(isNew ? `${saved.name} created${saved.purchasable ? ' and on sale' : ''}.` : `${saved.name} saved.`);
    onClose();
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const checked = check(form.draft, isNew);
    submitted(checked.errors);
    if (!checked.values) return;
    if (!row) return create.mutate({ body: checked.values }, { onSuccess: done });
    const changes = changedFields<V>(checked.values, row);
    if (Object.keys(changes).length === 0) return onClose();
    update.mutate(updateOf(row.code, changes), { onSuccess: done });
  };

  return (
    <Dialog
      open
      title={title}
      description={row ? `Code: ${row.code}` : `The code names the ${noun} in links and in Stripe; it cannot change later.`}
      onClose={onClose}
      dismissible={!mutation.isPending}
    >
      <form className="form catalog-form" onSubmit={submit} noValidate aria-label={title}>
        <fieldset className="form-fieldset" disabled={mutation.isPending}>
          <div className="catalog-form-grid">
            <TextField label="Name" name="name" maxLength={80} {...form.input('name')} data-autofocus />
            {isNew && (
              <TextField label="Code" name="code" autoComplete="off" spellCheck={false} maxLength={40} {...form.input('code')} hint={codeHint} />
            )}
          </div>
          {children(form)}
          <FormError message={general} />
          <div className="form-actions catalog-form-actions">
            <Button onClick={onClose} disabled={mutation.isPending}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" loading={mutation.isPending}>
              {isNew ? 'Create' : 'Save changes'}
            </Button>
          </div>
        </fieldset>
      </form>
    </Dialog>
  );
}

function PlanDialog({ plan, sortOrder, ...props }: EditorProps & { plan?: AdminPlan }) {
  const isTrial = plan?.code === TRIAL_PLAN;
  const showTrial = isTrial || (plan?.trial_credits ?? 0) > 0;
  return (
    <CatalogDialog
      {...props}
      row={plan}
      noun="plan"
      newTitle="New plan"
      codeHint="Like growth or pro_2027."
      initial={() => planDraft(plan, sortOrder)}
      fields={PLAN_FIELDS}
      check={checkPlan}
      create={useCreatePlan()}
      update={useUpdatePlan()}
      updateOf={planUpdate}
    >
      {({ draft, input, toggle }) => {
        const money = draft.currency.toUpperCase();
        return (
          <>
            <fieldset className="catalog-group">
              <legend className="catalog-legend">Price</legend>
              <div className="catalog-form-grid catalog-form-grid--3">
                <TextField label={`Monthly price (${money})`} name="monthly_price" inputMode="decimal" placeholder="49.00" {...input('monthlyPrice')} />
                <TextField label={`Yearly price (${money})`} name="yearly_price" inputMode="decimal" placeholder="Optional" {...input('yearlyPrice')} hint="Empty: sold monthly only." />
                <CurrencyField {...input('currency')} />
              </div>
            </fieldset>
            <fieldset className="catalog-group">
              <legend className="catalog-legend">What it includes</legend>
              <div className="catalog-form-grid catalog-form-grid--3">
                <TextField label="Credits a month" name="monthly_credits" inputMode="numeric" {...input('monthlyCredits')} />
                <TextField label="Product slots" name="product_slots" inputMode="numeric" {...input('productSlots')} />
                <TextField label="Rollover cap" name="rollover_cap" inputMode="numeric" {...input('rolloverCap')} hint="Unused credits carried into the next period; 0 for none." />
                <div>
                  <TextField
                    label="Seats"
                    name="seats"
                    inputMode="numeric"
                    {...input('seats')}
                    value={draft.unlimitedSeats ? '' : draft.seats}
                    placeholder={draft.unlimitedSeats ? 'Unlimited' : undefined}
                    disabled={draft.unlimitedSeats}
                  />
                  <Check label="Unlimited seats" {...toggle('unlimitedSeats')} />
                </div>
                <TextField label="Jobs at a time" name="concurrent_jobs" inputMode="numeric" {...input('concurrentJobs')} />
                <Check label="API access" {...toggle('apiAccess')} hint="Lets the workspace create API keys." />
              </div>
            </fieldset>
            {showTrial && (
              <fieldset className="catalog-group">
                <legend className="catalog-legend">Sign-up grant</legend>
                <div className="catalog-form-grid">
                  <TextField label="Trial credits" name="trial_credits" inputMode="numeric" {...input('trialCredits')} hint="Given once to each new workspace; 0 for none." />
                  <TextField label="Valid for (days)" name="trial_days" inputMode="numeric" {...input('trialDays')} />
                </div>
              </fieldset>
            )}
            <fieldset className="catalog-group">
              <legend className="catalog-legend">Listing</legend>
              <div className="catalog-form-grid">
                <TextField label="Position" name="sort_order" inputMode="numeric" {...input('sortOrder')} hint="Lower comes first on the pricing page." />
                {!isTrial && <Check label="On sale" {...toggle('purchasable')} hint="Off: hidden from pricing and checkout; workspaces on it keep it." />}
              </div>
            </fieldset>
          </>
        );
      }}
    </CatalogDialog>
  );
}

function PackDialog({ pack, sortOrder, ...props }: EditorProps & { pack?: AdminPack }) {
  return (
    <CatalogDialog
      {...props}
      row={pack}
      noun="pack"
      newTitle="New credit pack"
      codeHint="Like pack_500."
      initial={() => packDraft(pack, sortOrder)}
      fields={PACK_FIELDS}
      check={checkPack}
      create={useCreatePack()}
      update={useUpdatePack()}
      updateOf={packUpdate}
    >
      {({ draft, input, toggle }) => (
        <>
          <div className="catalog-form-grid catalog-form-grid--3">
            <TextField label="Credits" name="credits" inputMode="numeric" {...input('credits')} />
            <TextField label={`Price (${draft.currency.toUpperCase()})`} name="price" inputMode="decimal" placeholder="12.00" {...input('price')} />
            <CurrencyField {...input('currency')} />
          </div>
          <div className="catalog-form-grid">
            <TextField label="Position" name="sort_order" inputMode="numeric" {...input('sortOrder')} hint="Lower comes first." />
            <Check label="On sale" {...toggle('purchasable')} hint="Off: no longer offered on Pricing and Billing." />
          </div>
        </>
      )}
    </CatalogDialog>
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
