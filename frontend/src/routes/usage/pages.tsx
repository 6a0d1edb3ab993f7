import { Link } from 'react-router';

import { ChartIcon } from '@/components/icons';
import { buttonClass, EmptyState } from '@/components/ui';
import { CreditHistory } from '@/features/credits/CreditHistory';
import { CreditsCard } from '@/features/credits/CreditsCard';
import { usePageTitle } from '@/lib/usePageTitle';

export function UsageOverviewPage() {
  usePageTitle('Usage');
  return (
    <div className="stack stack--lg">
      <CreditsCard />
      <div className="card">
        <EmptyState
          icon={<ChartIcon />}
          title="No usage charts yet"
          description="Credits used per day and per action appear here once you generate images. Every movement is already in the credit history."
          action={
            <Link to="/usage/credits" className={buttonClass('secondary')}>
              Open the credit history
            </Link>
          }
        />
      </div>
    </div>
  );
}

export function CreditHistoryPage() {
  usePageTitle('Credit history');
  return <CreditHistory />;
}
