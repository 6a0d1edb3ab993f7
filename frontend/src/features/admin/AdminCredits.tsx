import { useState } from 'react';

import { Card } from '@/components/ui';
import { cx } from '@/lib/cx';

import { CreditActionForm } from './CreditActionForm';
import type { AdminOrganization } from './hooks';

/** Platform admins: grant or adjust one workspace's credits (with a reason, after confirming). */
export function AdminCredits({ organization }: { organization: AdminOrganization }) {
  const [mode, setMode] = useState<'grant' | 'adjust'>('grant');
  return (
    <Card title="Grant or adjust credits" description="The merchant sees the amount and your reason in their credit history.">
      <div className="segmented" role="group" aria-label="Action">
        {(['grant', 'adjust'] as const).map((option) => (
          <button
            key={option}
            type="button"
            className={cx('segmented-item', mode === option && 'segmented-item--active')}
            aria-pressed={mode === option}
            onClick={() => setMode(option)}
          >
            {option === 'grant' ? 'Grant' : 'Adjust'}
          </button>
        ))}
      </div>
      <p className="muted admin-mode-note">
        {mode === 'grant'
          ? 'A grant adds a promotional lot (used before paid credits), optionally expiring.'
          : 'An adjustment corrects the balance up or down, e.g. after a support case.'}
      </p>
      <CreditActionForm key={`${organization.id}-${mode}`} mode={mode} organization={organization} />
    </Card>
  );
}
