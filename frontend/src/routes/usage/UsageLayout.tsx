import { NavLink, Outlet } from 'react-router';

import { cx } from '@/lib/cx';

import { PageHeader } from '../PageHeader';

const TABS = [
  { to: '/usage', label: 'Overview', end: true },
  { to: '/usage/credits', label: 'Credit history', end: false },
];

export function UsageLayout() {
  return (
    <>
      <PageHeader title="Usage" description="Where your credits went: per day and per operation, by product and member, and every movement in the ledger." />
      <nav aria-label="Usage" className="tabs">
        {TABS.map((tab) => (
          <NavLink key={tab.to} to={tab.to} end={tab.end} className={({ isActive }) => cx('tab', isActive && 'tab--active')}>
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </>
  );
}
