import type { ReactElement } from 'react';

import { BoxIcon, CardIcon, ChartIcon, GearIcon, HomeIcon, ImageIcon, SparklesIcon, StoreIcon } from '@/components/icons';

export interface NavItem {
  to: string;
  label: string;
  icon: ReactElement;
  /** Dashboard is "/", which every path starts with. */
  end?: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { to: '/', label: 'Dashboard', icon: <HomeIcon />, end: true },
  { to: '/products', label: 'Products', icon: <BoxIcon /> },
  { to: '/studio', label: 'Studio', icon: <SparklesIcon /> },
  { to: '/assets', label: 'Assets', icon: <ImageIcon /> },
  { to: '/store', label: 'Store', icon: <StoreIcon /> },
  { to: '/usage', label: 'Usage', icon: <ChartIcon /> },
  { to: '/billing', label: 'Billing', icon: <CardIcon /> },
  { to: '/settings', label: 'Settings', icon: <GearIcon /> },
];
