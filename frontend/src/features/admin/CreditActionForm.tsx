import { type FormEvent, useState } from 'react';

import { Alert, Button, ConfirmDialog, FormError, TextField } from '@/components/ui';
import { Field, Textarea } from '@/components/ui';
import { creditsLabel, formatCredits, signed } from '@/features/credits/hooks';
import { formatDate } from '@/lib/format';
import { formErrors, parseError } from '@/lib/problem';

import { type AdminOrganization, newIdempotencyKey, useAdminAdjustCredits, useAdminGrantCredits } from './hooks';

type Mode = 'grant' | 'adjust';
const FIELDS = ['amount', 'reason', 'expires_at'] as const;
type FieldName = (typeof FIELDS)[number];

interface Pending {
  amount: number;
  reason: string;
  expiresAt: string | null;
  key: string;
}

/** The end of a picked day in the admin's time zone, as an instant the API accepts. */
function endOfDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1, 23, 59, 59).toISOString();
}

function validate(mode: Mode, amountText: string, reason: string): Partial<Record<FieldName, string>> {
  const errors: Partial<Record<FieldName, string>> = {};
  const amount = Number(amountText.trim());
  if (!amountText.trim() || !Number.isInteger(amount)) errors.amount = 'Enter a whole number of credits.';
  else if (mode === 'grant' && amount <= 0) errors.amount = 'Grant at least 1 credit.';
  else if (mode === 'adjust' && amount === 0) errors.amount = 'Enter credits to add (e.g. 5) or remove (e.g. -5).';
  if (!reason.trim()) errors.reason = 'Say why: the reason is shown to the merchant and kept in the audit log.';
  return errors;
}

/**
 * Grant promotional credits, or adjust the balance up or down, for one workspace. Both need a reason and a
 * confirmation; the server's answers (a field rule, or 409 when a removal would take available below zero) show
 * next to the field they are about.
 */
export function CreditActionForm({ mode, organization }: { mode: Mode; organization: AdminOrganization }) {
  const grant = useAdminGrantCredits();
  const adjust = useAdminAdjustCredits();
  const mutation = mode === 'grant' ? grant : adjust;
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [expiry, setExpiry] = useState('');
  const [localErrors, setLocalErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [pending, setPending] = useState<Pending | null>(null);
  const [serverError, setServerError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  const server = formErrors(serverError, FIELDS);
  const parsed = serverError ? parseError(serverError) : null;
  if (parsed?.code === 'adjustment_exceeds_available') {
    server.fields.amount = parsed.message;
    server.general = null;
  }
  const errorFor = (field: FieldName) => localErrors[field] ?? server.fields[field] ?? null;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setDone(null);
    setServerError(null);
    const errors = validate(mode, amount, reason);
    setLocalErrors(errors);
    if (Object.keys(errors).length > 0) return;
    setPending({
      amount: Number(amount.trim()),
      reason: reason.trim(),
      expiresAt: mode === 'grant' && expiry ? endOfDay(expiry) : null,
      key: newIdempotencyKey(),
    });
  };

  const confirm = () => {
    if (!pending) return;
    const options = {
      path: { organization_id: organization.id },
      headers: { 'Idempotency-Key': pending.key },
    };
    const onError = (error: unknown) => {
      // No answer at all: keep the dialog (and its idempotency key) so trying again cannot grant twice.
      if (parseError(error).status === 0) return;
      setPending(null);
      setServerError(error);
    };
    const onSuccess = (available: number) => {
      setDone(
        `${mode === 'grant' ? `Granted ${creditsLabel(pending.amount)}` : `Adjusted by ${signed(pending.amount)} credits`} for ${organization.name}. Available now: ${formatCredits(available)}.`,
      );
      setPending(null);
      setAmount('');
      setReason('');
      setExpiry('');
    };
    if (mode === 'grant')
      grant.mutate(
        { ...options, body: { amount: pending.amount, reason: pending.reason, expires_at: pending.expiresAt } },
        { onSuccess: (result) => onSuccess(result.available), onError },
      );
    else
      adjust.mutate(
        { ...options, body: { amount: pending.amount, reason: pending.reason } },
        { onSuccess: (result) => onSuccess(result.available), onError },
      );
  };

  const title = mode === 'grant' ? 'Grant credits' : 'Adjust credits';
  const dialogError = mutation.isError && pending ? parseError(mutation.error).message : null;
  const what =
    mode === 'grant'
      ? `${formatCredits(pending?.amount ?? 0)} promotional ${pending?.amount === 1 ? 'credit' : 'credits'}${pending?.expiresAt ? `, expiring ${formatDate(pending.expiresAt)}` : ', without expiry'}`
      : `${signed(pending?.amount ?? 0)} credits`;

  return (
    <form className="form admin-credit-form" onSubmit={onSubmit} noValidate aria-label={`${title} for ${organization.name}`}>
      <fieldset className="form-fieldset" disabled={mutation.isPending}>
        <TextField
          label={mode === 'grant' ? 'Credits to grant' : 'Credits to add or remove'}
          name="amount"
          inputMode="numeric"
          autoComplete="off"
          value={amount}
          onChange={(event) => setAmount(event.target.value)}
          error={errorFor('amount')}
          hint={mode === 'adjust' ? 'Positive adds, negative removes (e.g. -5). Removing below zero available is refused.' : undefined}
        />
        <Field label="Reason" error={errorFor('reason')} hint="Shown to the merchant in their credit history, and kept in the audit log.">
          {(control) => (
            <Textarea {...control} name="reason" rows={2} maxLength={500} value={reason} onChange={(event) => setReason(event.target.value)} />
          )}
        </Field>
        {mode === 'grant' && (
          <TextField
            label="Expires on (optional)"
            name="expires_at"
            type="date"
            value={expiry}
            onChange={(event) => setExpiry(event.target.value)}
            error={errorFor('expires_at')}
            hint="The credits stop counting at the end of this day (your time). Leave empty for no expiry."
          />
        )}
        <FormError message={server.general} />
        {done && (
          <Alert tone="success" className="admin-credit-done">
            {done}
          </Alert>
        )}
        <div className="button-row">
          <Button type="submit" variant="primary" loading={mutation.isPending}>
            {mode === 'grant' ? 'Review grant' : 'Review adjustment'}
          </Button>
        </div>
      </fieldset>
      <ConfirmDialog
        open={pending !== null}
        tone={mode === 'adjust' && (pending?.amount ?? 0) < 0 ? 'danger' : 'primary'}
        title={`${title} for ${organization.name}?`}
        description={
          <>
            <p>
              {mode === 'grant' ? 'Grant' : 'Apply'} {what}. Reason: “{pending?.reason}”.
            </p>
            <p className="muted">The merchant sees this in their credit history. It is recorded in the audit log.</p>
          </>
        }
        confirmLabel={mode === 'grant' ? 'Grant credits' : 'Apply adjustment'}
        pending={mutation.isPending}
        error={dialogError}
        onCancel={() => {
          setPending(null);
          mutation.reset();
        }}
        onConfirm={confirm}
      />
    </form>
  );
}
