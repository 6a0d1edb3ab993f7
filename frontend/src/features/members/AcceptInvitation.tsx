import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';

import { previewInvitationOptions } from '@/client/@tanstack/react-query.gen';
import type { PreviewInvitationResponse as InvitationPreview } from '@/client/types.gen';
import { Alert, Button, buttonClass, EmptyState, ErrorState, LoadingBlock } from '@/components/ui';
import { useLogout } from '@/features/auth/hooks';
import { meQueryOptions } from '@/features/auth/session';
import { errorStatus, parseError } from '@/lib/problem';
import { loginPath } from '@/lib/redirect';
import { roleLabel } from '@/lib/roles';

import { useAcceptInvitation } from './hooks';

const UNUSABLE_TITLES: Record<Exclude<InvitationPreview['status'], 'pending'>, string> = {
  accepted: 'This invitation has already been accepted',
  revoked: 'This invitation was revoked',
  expired: 'This invitation has expired',
};

/**
 * The landing page of an invitation email. Anyone may preview it; accepting needs a session whose email matches,
 * so signed-out visitors go through login or signup and come back here with the token kept in `next`.
 */
export function AcceptInvitation({ token }: { token: string }) {
  const navigate = useNavigate();
  const preview = useQuery({ ...previewInvitationOptions({ query: { token } }), retry: false });
  const me = useQuery(meQueryOptions());
  const accept = useAcceptInvitation();
  const logout = useLogout();
  const here = `/invitations/accept?${new URLSearchParams({ token }).toString()}`;

  if (preview.isPending || me.isPending) return <LoadingBlock label="Loading invitation" />;

  if (preview.isError) {
    const status = errorStatus(preview.error);
    if (status === 404 || status === 410) {
      return (
        <EmptyState
          title="This invitation can't be used"
          description="It may have expired, been revoked, or already been accepted. Ask whoever invited you to send a new one."
          action={
            <Link className={buttonClass('secondary')} to="/login">
              Go to log in
            </Link>
          }
        />
      );
    }
    return <ErrorState error={preview.error} what="the invitation" onRetry={() => void preview.refetch()} />;
  }

  const invitation = preview.data;
  if (invitation.status !== 'pending') {
    return (
      <EmptyState
        title={UNUSABLE_TITLES[invitation.status]}
        description={`Ask whoever invited you to ${invitation.organization_name} to send a new invitation.`}
        action={
          <Link className={buttonClass('secondary')} to="/">
            Go to Epox
          </Link>
        }
      />
    );
  }
  const signedOut = me.isError && errorStatus(me.error) === 401;
  if (me.isError && !signedOut) return <ErrorState error={me.error} what="your session" onRetry={() => void me.refetch()} />;

  const intro = (
    <p className="lead">
      {invitation.inviter_name ? <strong>{invitation.inviter_name}</strong> : 'Someone'} invited{' '}
      <strong>{invitation.email}</strong> to join <strong>{invitation.organization_name}</strong> as{' '}
      {roleLabel(invitation.role).toLowerCase()}.
    </p>
  );

  if (signedOut || !me.data) {
    return (
      <div className="stack">
        {intro}
        <p>Log in or create an account with {invitation.email} to accept.</p>
        <div className="button-row">
          <Link className={buttonClass('primary')} to={loginPath(here)}>
            Log in to accept
          </Link>
          <Link className={buttonClass('secondary')} to={loginPath(here, '/signup', { email: invitation.email })}>
            Create an account
          </Link>
        </div>
      </div>
    );
  }

  const signedInEmail = me.data.user.email;
  if (signedInEmail.toLowerCase() !== invitation.email.toLowerCase()) {
    return (
      <div className="stack">
        {intro}
        <Alert tone="warning" title="This invitation is for someone else">
          You're signed in as {signedInEmail}. Sign out, then log in or sign up as {invitation.email} to accept.
        </Alert>
        <div className="button-row">
          <Button
            variant="primary"
            loading={logout.isPending}
            onClick={() => logout.mutate({}, { onSettled: () => void navigate(loginPath(here), { replace: true }) })}
          >
            Sign out and continue
          </Button>
          <Link className={buttonClass('ghost')} to="/">
            {me.data.organization ? `Back to ${me.data.organization.name}` : 'Back to Epox'}
          </Link>
        </div>
      </div>
    );
  }

  return (
    <div className="stack">
      {intro}
      {accept.isError && <Alert tone="error">{parseError(accept.error).message}</Alert>}
      <div className="button-row">
        <Button
          variant="primary"
          loading={accept.isPending}
          onClick={() => accept.mutate({ body: { token } }, { onSuccess: () => void navigate('/', { replace: true }) })}
        >
          Join {invitation.organization_name}
        </Button>
        <Link className={buttonClass('ghost')} to="/">
          Not now
        </Link>
      </div>
    </div>
  );
}
