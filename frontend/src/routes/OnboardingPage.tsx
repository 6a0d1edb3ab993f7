import { Link } from 'react-router';

import { buttonClass } from '@/components/ui';
import { OnboardingWizard } from '@/features/onboarding/OnboardingWizard';

import { PageHeader } from './PageHeader';

/** `/welcome`: where a new account lands after sign-up, and where the setup can be picked up again later. */
export function OnboardingPage() {
  return (
    <>
      <PageHeader
        title="Welcome to Epox"
        description="Five short steps to your first approved lifestyle image. Skip any of them: this page remembers where you are."
        actions={
          <Link to="/" className={buttonClass('secondary')}>
            Finish later
          </Link>
        }
      />
      <OnboardingWizard />
    </>
  );
}
