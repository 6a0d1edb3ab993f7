import { Link, useSearchParams } from 'react-router';

import { buttonClass, EmptyState } from '@/components/ui';
import { AcceptInvitation } from '@/features/members/AcceptInvitation';

import { AuthLayout } from './AuthLayout';

export function AcceptInvitationPage() {
  const [params] = useSearchParams();
  const token = params.get('token');
  return (
    <AuthLayout title="Join a workspace">
      {token ? (
        <AcceptInvitation token={token} />
      ) : (
        <EmptyState
          title="This invitation link is incomplete"
          description="Open the link from the invitation email again."
          action={
            <Link className={buttonClass('secondary')} to="/">
              Go to Epox
            </Link>
          }
        />
      )}
    </AuthLayout>
  );
}
