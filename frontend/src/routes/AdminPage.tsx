import { Link } from 'react-router';

import { buttonClass, EmptyState } from '@/components/ui';
import { AdminCredits } from '@/features/admin/AdminCredits';
import { ShieldIcon } from '@/features/admin/icons';
import { useSession } from '@/features/auth/session';

import { PageHeader } from './PageHeader';

export function AdminPage() {
  const { user } = useSession();
  if (!user.is_platform_admin) {
    return (
      <>
        <PageHeader title="Not allowed" />
        <div className="card">
          <EmptyState
            icon={<ShieldIcon />}
            title="This page is for Epox staff"
            description="Your account can't open the admin area. If you need credits or help, contact support."
            action={
              <Link to="/" className={buttonClass('primary')}>
                Go to the dashboard
              </Link>
            }
          />
        </div>
      </>
    );
  }
  return (
    <>
      <PageHeader title="Admin" description="Platform tools: find a workspace and grant or adjust its credits. Every action is audited." />
      <AdminCredits />
    </>
  );
}
