import { Link, Outlet, useLocation } from 'react-router';

import { buttonClass, EmptyState } from '@/components/ui';
import { ShieldIcon } from '@/features/admin/icons';
import { useSession } from '@/features/auth/session';
import { cx } from '@/lib/cx';

import { PageHeader } from './PageHeader';

const TABS = [
  { to: '/admin', label: 'Workspaces', matches: (path: string) => path === '/admin' || path.startsWith('/admin/organizations') },
  { to: '/admin/jobs', label: 'Failed jobs', matches: (path: string) => path.startsWith('/admin/jobs') },
  { to: '/admin/costs', label: 'Provider costs', matches: (path: string) => path.startsWith('/admin/costs') },
  { to: '/admin/audit', label: 'Audit log', matches: (path: string) => path.startsWith('/admin/audit') },
  { to: '/admin/catalog', label: 'Plans & packs', matches: (path: string) => path.startsWith('/admin/catalog') },
];

/** The admin console's frame: platform admins get its tabs and pages, everyone else a plain "not allowed" (the
 * API answers them 404 anyway). */
export function AdminLayout() {
  const { user } = useSession();
  const { pathname } = useLocation();
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
      <PageHeader title="Admin" description="Platform tools: workspaces and their credits, failed jobs, provider costs, plans and packs, and the audit log. Every change is audited." />
      <nav aria-label="Admin" className="tabs">
        {TABS.map((tab) => {
          // The workspace list and a workspace's page share the first tab.
          const active = tab.matches(pathname.replace(/\/+$/, ''));
          return (
            <Link key={tab.to} to={tab.to} className={cx('tab', active && 'tab--active')} aria-current={active ? 'page' : undefined}>
              {tab.label}
            </Link>
          );
        })}
      </nav>
      <Outlet />
    </>
  );
}
