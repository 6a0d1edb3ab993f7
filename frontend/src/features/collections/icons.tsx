import { Icon, type IconProps } from '@/components/icons';

/** Icons only the collections use; decorative, like those in components/icons. */
type P = IconProps;

export const StackIcon = (p: P) => (
  <Icon {...p}>
    <path d="m12 3 9 5-9 5-9-5 9-5Z" />
    <path d="m3 13 9 5 9-5" />
  </Icon>
);
