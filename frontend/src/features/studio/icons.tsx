import { Icon, type IconProps } from '@/components/icons';

/** Icons only the Studio and the assets use; decorative, like those in components/icons. */
type P = IconProps;

export const WandIcon = (p: P) => (
  <Icon {...p}>
    <path d="m4 20 11-11M14 4v2M18 8h2M18 4l-1.5 1.5M10 4l.7 1.3M20 14l-1.3-.7" />
    <path d="m13 10 1 1" />
  </Icon>
);
export const PlusIcon = (p: P) => (
  <Icon {...p}>
    <path d="M12 5v14M5 12h14" />
  </Icon>
);
export const CheckIcon = (p: P) => (
  <Icon {...p}>
    <path d="m5 12.5 4.5 4.5L19 7.5" />
  </Icon>
);
export const AlertIcon = (p: P) => (
  <Icon {...p}>
    <circle cx="12" cy="12" r="9" />
    <path d="M12 7.5v5.5M12 16.5h.01" />
  </Icon>
);
