import { useQuery } from '@tanstack/react-query';

import { listDevOutboxOptions } from '@/client/@tanstack/react-query.gen';
import { LinkifiedText } from '@/components/LinkifiedText';
import { Button, EmptyState, ErrorState, LoadingBlock } from '@/components/ui';
import { formatDateTime } from '@/lib/format';
import { errorStatus } from '@/lib/problem';

import { AuthLayout } from './AuthLayout';

/** Development only: the emails the API would have sent (verification, password reset, invitations). */
export function DevOutboxPage() {
  const outbox = useQuery({ ...listDevOutboxOptions(), staleTime: 0 });

  let body;
  if (outbox.isPending) body = <LoadingBlock label="Loading sent emails" />;
  else if (outbox.isError)
    body =
      errorStatus(outbox.error) === 404 ? (
        <EmptyState title="No dev outbox here" description="The outbox only exists when the API runs in development." />
      ) : (
        <ErrorState error={outbox.error} what="the outbox" onRetry={() => void outbox.refetch()} retrying={outbox.isFetching} />
      );
  else if (outbox.data.items.length === 0)
    body = <EmptyState title="No emails yet" description="Sign up, ask for a password reset or invite someone; the email shows up here." />;
  else
    body = (
      <ol className="outbox">
        {outbox.data.items.map((message) => (
          <li key={message.id} className="outbox-item">
            <article aria-labelledby={`outbox-${message.id}`}>
              <header className="outbox-header">
                <h2 id={`outbox-${message.id}`} className="outbox-subject">
                  {message.subject}
                </h2>
                <p className="outbox-meta">
                  To {message.to} · <time dateTime={message.created_at}>{formatDateTime(message.created_at)}</time>
                </p>
              </header>
              <div className="outbox-body">
                <LinkifiedText text={message.body_text} />
              </div>
            </article>
          </li>
        ))}
      </ol>
    );

  return (
    <AuthLayout title="Dev outbox" subtitle="Emails sent by the local API, newest as the API lists them." wide>
      <div className="button-row button-row--end">
        <Button size="sm" onClick={() => void outbox.refetch()} loading={outbox.isFetching && !outbox.isPending}>
          Refresh
        </Button>
      </div>
      {body}
    </AuthLayout>
  );
}
