import { Icon, type IconProps } from '@/components/icons';
import { cx } from '@/lib/cx';

import type { StoreKind } from './hooks';

/** Icons only the store page uses; decorative, like those in components/icons. */
type P = IconProps;

export const CheckIcon = (p: P) => (
  <Icon {...p}>
    <path d="m5 12.5 4.5 4.5L19 7.5" />
  </Icon>
);
export const LinkOffIcon = (p: P) => (
  <Icon {...p}>
    <path d="M9.5 14.5 14.5 9.5M7 11l-2 2a3.5 3.5 0 0 0 5 5l2-2M17 13l2-2a3.5 3.5 0 0 0-5-5l-2 2M4 4l16 16" />
  </Icon>
);
export const RefreshIcon = (p: P) => (
  <Icon {...p}>
    <path d="M20 11a8 8 0 0 0-14.3-4.9L4 8M4 4v4h4M4 13a8 8 0 0 0 14.3 4.9L20 16M20 20v-4h-4" />
  </Icon>
);
export const DownloadIcon = (p: P) => (
  <Icon {...p}>
    <path d="M12 4v11M7 10l5 5 5-5M5 20h14" />
  </Icon>
);
export const PulseIcon = (p: P) => (
  <Icon {...p}>
    <path d="M3 12h4l2-5 4 10 2-5h6" />
  </Icon>
);

export const PLATFORM_NAMES: Record<StoreKind, string> = { shopify: 'Shopify', woocommerce: 'WooCommerce' };

/** A small square with the platform's initial in its colour: tells connections apart at a glance. */
export function PlatformMark({ kind, size = 'md' }: { kind: StoreKind; size?: 'md' | 'lg' }) {
  return (
    <span className={cx('platform-mark', `platform-mark--${kind}`, size === 'lg' && 'platform-mark--lg')} aria-hidden="true">
      {kind === 'shopify' ? 'S' : 'W'}
    </span>
  );
}
