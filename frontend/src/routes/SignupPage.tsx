import { useSearchParams } from 'react-router';

import { SignupForm } from '@/features/auth/SignupForm';
import { safeNext } from '@/lib/redirect';

import { AuthLayout } from './AuthLayout';

export function SignupPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  // Coming from an invitation: the account joins the inviter's workspace, so don't ask for a new one.
  const fromInvitation = next.startsWith('/invitations/accept');
  return (
    <AuthLayout
      title="Create your Epox account"
      subtitle="Turn your product photos into lifestyle images in minutes."
    >
      <SignupForm next={next} defaultEmail={params.get('email') ?? ''} askWorkspaceName={!fromInvitation} />
    </AuthLayout>
  );
}
