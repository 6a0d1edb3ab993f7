import './onboarding.css';

import { Link } from 'react-router';

import { buttonClass, Card } from '@/components/ui';
import { useSession } from '@/features/auth/session';
import { canWrite } from '@/lib/roles';

import { useOnboarding } from './hooks';
import { STEP_TITLES } from './steps';

/**
 * The dashboard's way back into the setup wizard while a step is still to do. Quiet otherwise: when every step is
 * done or skipped, for viewers (who can't do the steps), and while the progress loads or can't be read.
 */
export function SetupProgress() {
  const me = useSession();
  const onboarding = useOnboarding();
  const progress = onboarding.data;
  if (!canWrite(me.role) || !progress?.next_step) return null;
  const percent = progress.total > 0 ? Math.round((progress.done / progress.total) * 100) : 0;
  return (
    <Card
      title="Finish setting up"
      className="setup-progress"
      actions={
        <Link to="/welcome" className={buttonClass('primary', 'sm')}>
          Continue setup
        </Link>
      }
    >
      <p className="setup-progress-next">
        Next: <strong>{STEP_TITLES[progress.next_step]}</strong>
      </p>
      <div className="setup-progress-meter">
        <span className="onboarding-progress-label" id="setup-progress-label">
          {progress.done} of {progress.total} done
        </span>
        <div
          className="meter onboarding-meter"
          role="progressbar"
          aria-labelledby="setup-progress-label"
          aria-valuemin={0}
          aria-valuemax={progress.total}
          aria-valuenow={progress.done}
        >
          <div className="meter-fill" style={{ width: `${percent}%` }} />
        </div>
      </div>
    </Card>
  );
}
