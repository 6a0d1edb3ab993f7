import { CardIcon, ImageIcon, SparklesIcon, StoreIcon } from '@/components/icons';

import { SectionPage } from './SectionPage';

export const StudioPage = () => (
  <SectionPage
    title="Studio"
    icon={<SparklesIcon />}
    emptyTitle="Nothing in the Studio yet"
    description="Choose products, a scene and a style, see the credit cost, and generate lifestyle images."
  />
);

export const AssetsPage = () => (
  <SectionPage
    title="Assets"
    icon={<ImageIcon />}
    emptyTitle="No assets yet"
    description="Every image and video you generate, to review, approve, edit, download and publish."
  />
);

export const StorePage = () => (
  <SectionPage
    title="Store"
    icon={<StoreIcon />}
    emptyTitle="No store connected"
    description="Connect Shopify or WooCommerce to import products and publish approved images back to them."
  />
);

export const BillingPage = () => (
  <SectionPage
    title="Billing"
    icon={<CardIcon />}
    emptyTitle="No plan yet"
    description="Your plan, credit packs, invoices and payment method."
  />
);
