import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';

import { Alert, Badge, Button, Card, Field, FormError, SelectField, Table, Textarea } from '@/components/ui';
import { formatDateTime } from '@/lib/format';
import { formErrors, parseError } from '@/lib/problem';

import { type AdminOrganization, type SupportAccess, useAdminEndSupportAccess, useAdminOpenSupportAccess } from './hooks';

const DURATIONS = [15, 30, 60, 120, 240] as const;
const FIELDS = ['reason', 'minutes'] as const;

function durationLabel(minutes: number): string {
  return minutes < 60 ? `${minutes} minutes` : `${minutes / 60} ${minutes === 60 ? 'hour' : 'hours'}`;
}

/**
 * Platform admins: open the workspace read-only in this browser session for a limited time, with a reason (the
 * merchant sees it in their settings), and end it early. Past sessions are listed.
 */
export function SupportAccessPanel({ organization, grants }: { organization: AdminOrganization; grants: readonly SupportAccess[] }) {
  const open = useAdminOpenSupportAccess();
  const end = useAdminEndSupportAccess();
  const [reason, setReason] = useState('');
  const [minutes, setMinutes] = useState<number>(60);
  const [reasonError, setReasonError] = useState<string | null>(null);
  const server = formErrors(open.error, FIELDS);
  const live = grants.find((grant) => grant.active) ?? null;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!reason.trim()) {
      setReasonError('Say why (e.g. the ticket number): the merchant sees it.');
      return;
    }
    setReasonError(null);
    open.mutate(
      { path: { organization_id: organization.id }, body: { reason: reason.trim(), minutes } },
      { onSuccess: () => setReason('') },
    );
  };

  return (
    <Card title="Read-only support session" description="See the workspace as its owner does, without changing anything. The merchant sees who, why and until when.">
      {live ? (
        <Alert
          tone="warning"
          title={`Open until ${formatDateTime(live.expires_at)}`}
          actions={
            <Button size="sm" variant="danger" loading={end.isPending} onClick={() => end.mutate({ path: { grant_id: live.id } })}>
              End session
            </Button>
          }
        >
          Workspace pages in this browser (<Link to="/">Dashboard</Link>, <Link to="/products">Products</Link>,{' '}
          <Link to="/usage">Usage</Link>…) now show {organization.name}, read-only. Reason: “{live.reason}”.
          {end.isError && <p className="form-error">Couldn’t end it: {parseError(end.error).message}</p>}
        </Alert>
      ) : (
        <form className="form" onSubmit={onSubmit} noValidate aria-label={`Open a support session for ${organization.name}`}>
          <fieldset className="form-fieldset" disabled={open.isPending}>
            <Field label="Reason" error={reasonError ?? server.fields.reason ?? null} hint="Shown to the merchant and kept in the audit log.">
              {(control) => <Textarea {...control} rows={2} maxLength={500} value={reason} onChange={(event) => setReason(event.target.value)} />}
            </Field>
            <SelectField label="For" value={String(minutes)} onChange={(event) => setMinutes(Number(event.target.value))} error={server.fields.minutes}>
              {DURATIONS.map((value) => (
                <option key={value} value={value}>
                  {durationLabel(value)}
                </option>
              ))}
            </SelectField>
            <FormError message={server.general} />
            <div className="button-row">
              <Button type="submit" variant="primary" loading={open.isPending}>
                Open read-only session
              </Button>
            </div>
          </fieldset>
        </form>
      )}
      {grants.length > 0 && (
        <Table
          caption="Support sessions"
          head={
            <tr>
              <th scope="col">Opened</th>
              <th scope="col">By</th>
              <th scope="col">Reason</th>
              <th scope="col">Status</th>
            </tr>
          }
        >
          {grants.map((grant) => (
            <tr key={grant.id}>
              <td className="cell-nowrap">{formatDateTime(grant.created_at)}</td>
              <td>{grant.admin_email}</td>
              <td>{grant.reason}</td>
              <td>
                <Badge tone={grant.active ? 'warning' : 'neutral'}>{grant.active ? 'Active' : 'Closed'}</Badge>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </Card>
  );
}
