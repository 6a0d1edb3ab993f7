import { type FormEvent, useState } from 'react';

import { Alert, Button, Card, ErrorState, FormError, LoadingBlock, SelectField, TextField } from '@/components/ui';
import { useSession } from '@/features/auth/session';
import { type UsageSettings, useUpdateUsageSettings, useUsageSettings } from '@/features/usage/hooks';
import { formErrors } from '@/lib/problem';
import { canManageWorkspace } from '@/lib/roles';

const FIELDS = ['time_zone', 'low_balance_percents', 'low_balance_absolute'] as const;
type FieldName = (typeof FIELDS)[number];
const MAX_LEVELS = 5;
const MAX_ABSOLUTE = 1_000_000;

/** "20, 10, 0" → [20, 10, 0], or a message saying what is wrong. Empty means no alerts of that kind. */
export function parseLevels(text: string, max: number, what: string): number[] | string {
  const parts = text
    .split(/[\s,;]+/)
    .map((part) => part.replace(/%$/, ''))
    .filter(Boolean);
  if (parts.length > MAX_LEVELS) return `Use at most ${MAX_LEVELS} ${what}.`;
  const values: number[] = [];
  for (const part of parts) {
    const value = Number(part);
    if (!/^\d+$/.test(part) || value > max) return `“${part}” is not a whole number from 0 to ${max.toLocaleString()}.`;
    values.push(value);
  }
  return [...new Set(values)].sort((a, b) => b - a);
}

function zones(current: string): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set(['UTC', current, ...known])].sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b)));
}

function SettingsForm({ settings, editable }: { settings: UsageSettings; editable: boolean }) {
  const update = useUpdateUsageSettings();
  const [timeZone, setTimeZone] = useState(settings.time_zone);
  const [percents, setPercents] = useState(settings.low_balance_percents.join(', '));
  const [absolute, setAbsolute] = useState(settings.low_balance_absolute.join(', '));
  const [localErrors, setLocalErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [saved, setSaved] = useState(false);
  const server = formErrors(update.error, FIELDS);
  const errorFor = (field: FieldName) => localErrors[field] ?? server.fields[field] ?? null;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    const parsedPercents = parseLevels(percents, 100, 'percentages');
    const parsedAbsolute = parseLevels(absolute, MAX_ABSOLUTE, 'credit levels');
    const errors: Partial<Record<FieldName, string>> = {};
    if (typeof parsedPercents === 'string') errors.low_balance_percents = parsedPercents;
    if (typeof parsedAbsolute === 'string') errors.low_balance_absolute = parsedAbsolute;
    setLocalErrors(errors);
    if (typeof parsedPercents === 'string' || typeof parsedAbsolute === 'string') return;
    update.mutate(
      { body: { time_zone: timeZone, low_balance_percents: parsedPercents, low_balance_absolute: parsedAbsolute } },
      {
        onSuccess: (result) => {
          setPercents(result.low_balance_percents.join(', '));
          setAbsolute(result.low_balance_absolute.join(', '));
          setSaved(true);
        },
      },
    );
  };

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Low-balance alerts">
      <fieldset className="form-fieldset" disabled={!editable || update.isPending}>
        <TextField
          label="Alert at these percentages of the last top-up"
          name="low_balance_percents"
          inputMode="numeric"
          autoComplete="off"
          placeholder="e.g. 20, 10, 0"
          value={percents}
          onChange={(event) => setPercents(event.target.value)}
          error={errorFor('low_balance_percents')}
          hint="The last top-up is your plan's credits for the period, the trial or the last pack. 0 means “out of credits”. Leave empty for none."
        />
        <TextField
          label="Alert at these credit levels"
          name="low_balance_absolute"
          inputMode="numeric"
          autoComplete="off"
          placeholder="e.g. 50"
          value={absolute}
          onChange={(event) => setAbsolute(event.target.value)}
          error={errorFor('low_balance_absolute')}
          hint="Fixed numbers of available credits, whatever the top-up. Leave empty for none."
        />
        <SelectField
          label="Time zone"
          name="time_zone"
          value={timeZone}
          onChange={(event) => setTimeZone(event.target.value)}
          error={errorFor('time_zone')}
          hint="Where usage days start and end, and when the weekly digest goes out (Monday)."
        >
          {zones(settings.time_zone).map((zone) => (
            <option key={zone} value={zone}>
              {zone.replace(/_/g, ' ')}
            </option>
          ))}
        </SelectField>
        <FormError message={server.general} />
        {saved && <Alert tone="success">Saved. Each level alerts once on the way down, and again after the next top-up.</Alert>}
        {editable && (
          <div className="button-row">
            <Button type="submit" variant="primary" loading={update.isPending}>
              Save alerts
            </Button>
          </div>
        )}
      </fieldset>
    </form>
  );
}

/** The workspace's low-balance thresholds (percent of the last top-up and absolute) and its time zone; owners and
 * admins change them, everyone sees them. */
export function UsageAlertSettings() {
  const me = useSession();
  const editable = canManageWorkspace(me.role);
  const settings = useUsageSettings();

  let body;
  if (settings.isPending) body = <LoadingBlock label="Loading alert settings" />;
  else if (settings.isError)
    body = <ErrorState error={settings.error} what="alert settings" onRetry={() => void settings.refetch()} retrying={settings.isFetching} />;
  else body = <SettingsForm settings={settings.data} editable={editable} />;

  return (
    <Card
      title="Low-balance alerts"
      description={
        editable
          ? 'When available credits fall to a level, owners and admins get a notification (and an email, if they chose it above). The low-credit banner uses the highest level.'
          : 'Set by the workspace’s owners and admins. When available credits fall to a level, they get a notification.'
      }
    >
      {body}
    </Card>
  );
}
