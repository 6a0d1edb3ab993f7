import { NavLink } from 'react-router';

import { Logo } from '@/components/Logo';
import { ShieldIcon } from '@/features/admin/icons';
import { useSession } from '@/features/auth/session';
import { cx } from '@/lib/cx';

import { NAV_ITEMS } from './navigation';

interface SidebarProps {
  id: string;
  /** On a phone the sidebar is a drawer; on a desktop it is always shown and this is ignored by CSS. */
  open: boolean;
  onNavigate: () => void;
}

export function Sidebar({ id, open, onNavigate }: SidebarProps) {
  const { user } = useSession();
  const items = user.is_platform_admin
    ? [...NAV_ITEMS, { to: '/admin', label: 'Admin', icon: <ShieldIcon />, end: false }]
    : NAV_ITEMS;
  return (
    <aside id={id} className={cx('sidebar', open && 'sidebar--open')}>
      <div className="sidebar-brand">
        <Logo />
      </div>
      <nav aria-label="Main" className="sidebar-nav">
        <ul>
          {items.map((item) => (
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
