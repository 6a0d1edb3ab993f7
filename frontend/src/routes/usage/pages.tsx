import { CreditHistory } from '@/features/credits/CreditHistory';
import { UsageOverview } from '@/features/usage/UsageOverview';
import { usePageTitle } from '@/lib/usePageTitle';

export function UsageOverviewPage() {
  usePageTitle('Usage');
  return <UsageOverview />;
}

export function CreditHistoryPage() {
  usePageTitle('Credit history');
  return <CreditHistory />;
}
