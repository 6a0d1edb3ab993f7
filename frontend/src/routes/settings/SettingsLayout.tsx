import { NavLink, Outlet } from 'react-router';

import { cx } from '@/lib/cx';

import { PageHeader } from '../PageHeader';

const TABS = [
  { to: '/settings/workspace', label: 'Workspace' },
  { to: '/settings/members', label: 'Members' },
  { to: '/settings/api-keys', label: 'API keys' },
  { to: '/settings/notifications', label: 'Notifications' },
  { to: '/settings/account', label: 'Account' },
];

export function SettingsLayout() {
  return (
    <>
      <PageHeader title="Settings" description="Your workspace, the people in it, API access and your own account." />
      <nav aria-label="Settings" className="tabs">
        {TABS.map((tab) => (
          <NavLink key={tab.to} to={tab.to} className={({ isActive }) => cx('tab', isActive && 'tab--active')}>
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <div className="settings-body">
        <Outlet />
      </div>
    </>
  );
}
