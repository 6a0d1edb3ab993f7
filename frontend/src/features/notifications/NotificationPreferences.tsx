import { Card, ErrorState, FormError, LoadingBlock, Spinner } from '@/components/ui';
import { parseError } from '@/lib/problem';

import { useNotificationPreferences, useUpdateNotificationPreferences } from './hooks';

const KIND_LABELS: Record<string, string> = {
  low_balance: 'Low credit balance',
  credits_expiring: 'Credits expiring',
  credits_granted: 'Credits added',
  payment_failed: 'Failed payments',
  store_connection_error: 'Store connection problems',
  weekly_digest: 'Weekly usage digest',
};

/** Which notifications also come by email; in-app notices always appear. Each switch saves at once. */
export function NotificationPreferences() {
  const preferences = useNotificationPreferences();
  const update = useUpdateNotificationPreferences();

  let body;
  if (preferences.isPending) body = <LoadingBlock label="Loading notification settings" />;
  else if (preferences.isError)
    body = (
      <ErrorState
        error={preferences.error}
        what="notification settings"
        onRetry={() => void preferences.refetch()}
        retrying={preferences.isFetching}
      />
    );
  else
    body = (
      <>
        <ul className="preference-list">
          {preferences.data.items.map((preference) => {
            const saving = update.isPending && preference.kind in (update.variables.body.email ?? {});
            return (
              <li key={preference.kind} className="preference">
                <label className="check">
                  <input
                    type="checkbox"
                    checked={preference.email}
                    disabled={update.isPending}
                    onChange={(event) => update.mutate({ body: { email: { [preference.kind]: event.target.checked } } })}
                  />
                  <span>
                    <span className="preference-title">Email me: {KIND_LABELS[preference.kind] ?? preference.kind}</span>
                    <span className="preference-description">{preference.description}</span>
                  </span>
                </label>
                {saving && <Spinner size="sm" label="Saving" />}
              </li>
            );
          })}
        </ul>
        <FormError message={update.isError ? `Couldn't save: ${parseError(update.error).message}` : null} />
      </>
    );

  return (
    <Card
      title="Email notifications"
      description="You always see notifications in the app (the bell in the header). Choose which ones also come by email. Emails about credits, payments and stores go to owners and admins."
    >
      {body}
    </Card>
  );
}
