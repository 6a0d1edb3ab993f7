import { Link, useSearchParams } from 'react-router';

import { SignupForm } from '@/features/auth/SignupForm';
import { usePlans } from '@/features/billing/hooks';
import { isInterval } from '@/features/billing/plans';
import { safeNext } from '@/lib/redirect';

import { AuthLayout } from './AuthLayout';

/** A plan picked on the pricing page (`?plan=starter&interval=month`), carried into the onboarding wizard. */
function pickedPlan(params: URLSearchParams): { plan: string; interval: string } | null {
  const plan = params.get('plan');
  if (!plan || !/^[a-z0-9_-]{1,40}$/i.test(plan)) return null;
  const interval = params.get('interval');
  return { plan, interval: isInterval(interval) ? interval : 'month' };
}

export function SignupPage() {
  const [params] = useSearchParams();
  const picked = pickedPlan(params);
  const plans = usePlans();
  const pickedName = picked && plans.data?.items.find((plan) => plan.code === picked.plan)?.name;
  // New accounts land in the onboarding wizard, with the plan they picked (if any) remembered.
  const welcome = picked ? `/welcome?${new URLSearchParams(picked).toString()}` : '/welcome';
  const next = safeNext(params.get('next'), welcome);
  // Coming from an invitation: the account joins the inviter's workspace, so don't ask for a new one.
  const fromInvitation = next.startsWith('/invitations/accept');
  return (
    <AuthLayout
      title="Create your Epox account"
      subtitle={
        pickedName && !fromInvitation
          ? `You picked ${pickedName}. Create your account first; checkout comes right after, and your free trial starts now.`
          : 'Turn your product photos into lifestyle images in minutes.'
      }
    >
      <SignupForm next={next} defaultEmail={params.get('email') ?? ''} askWorkspaceName={!fromInvitation} />
      {!fromInvitation && (
        <p className="form-footnote">
          <Link to="/pricing">See plans and pricing</Link>
        </p>
      )}
    </AuthLayout>
  );
}
