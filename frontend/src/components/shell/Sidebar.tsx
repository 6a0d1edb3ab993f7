import { NavLink } from 'react-router';

import { Logo } from '@/components/Logo';
import { cx } from '@/lib/cx';

import { NAV_ITEMS } from './navigation';

interface SidebarProps {
  id: string;
  /** On a phone the sidebar is a drawer; on a desktop it is always shown and this is ignored by CSS. */
  open: boolean;
  onNavigate: () => void;
}

export function Sidebar({ id, open, onNavigate }: SidebarProps) {
  return (
    <aside id={id} className={cx('sidebar', open && 'sidebar--open')}>
      <div className="sidebar-brand">
        <Logo />
      </div>
      <nav aria-label="Main" className="sidebar-nav">
        <ul>
          {NAV_ITEMS.map((item) => (
            <li key={item.to}>
              <NavLink
                to={item.to}
                end={item.end}
                className={({ isActive }) => cx('nav-link', isActive && 'nav-link--active')}
                onClick={onNavigate}
              >
                {item.icon}
                <span>{item.label}</span>
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
    </aside>
  );
}
