import { NavLink } from 'react-router';

import { cx } from '@/lib/cx';

/** The Studio's ways of working; each tab is a page of its own. */
export const STUDIO_TABS = [
  { to: '/studio', label: 'One product', end: true },
  { to: '/studio/collections', label: 'Collections', end: false },
  { to: '/studio/video', label: 'Video', end: false },
];

export function StudioTabs() {
  return (
    <nav aria-label="Studio" className="tabs">
      {STUDIO_TABS.map((tab) => (
        <NavLink key={tab.to} to={tab.to} end={tab.end} className={({ isActive }) => cx('tab', isActive && 'tab--active')}>
          {tab.label}
        </NavLink>
      ))}
    </nav>
  );
}
