import { CloseIcon, MenuIcon } from '@/components/icons';
import { HeaderBalance } from '@/features/credits/HeaderBalance';
import { NotificationsMenu } from '@/features/notifications/NotificationsMenu';
import { WorkspaceSwitcher } from '@/features/organization/WorkspaceSwitcher';

import { UserMenu } from './UserMenu';

interface HeaderProps {
  sidebarId: string;
  sidebarOpen: boolean;
  onToggleSidebar: () => void;
}

export function Header({ sidebarId, sidebarOpen, onToggleSidebar }: HeaderProps) {
  return (
    <header className="app-header">
      <button
        type="button"
        className="icon-button sidebar-toggle"
        aria-label={sidebarOpen ? 'Close navigation' : 'Open navigation'}
        aria-expanded={sidebarOpen}
        aria-controls={sidebarId}
        onClick={onToggleSidebar}
      >
        {sidebarOpen ? <CloseIcon /> : <MenuIcon />}
      </button>
      <WorkspaceSwitcher />
      <div className="app-header-spacer" />
      <HeaderBalance />
      <NotificationsMenu />
      <UserMenu />
    </header>
  );
}
