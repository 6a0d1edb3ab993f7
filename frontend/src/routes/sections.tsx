import { BoxIcon, CardIcon, ChartIcon, ImageIcon, SparklesIcon, StoreIcon } from '@/components/icons';

import { SectionPage } from './SectionPage';

export const ProductsPage = () => (
  <SectionPage
    title="Products"
    icon={<BoxIcon />}
    emptyTitle="No products yet"
    description="Your catalog: upload product photos or import them from your store, then pick the ones to stage."
  />
);

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

export const UsagePage = () => (
  <SectionPage
    title="Usage"
    icon={<ChartIcon />}
    emptyTitle="No usage yet"
    description="Credits used per day and per action, and the full credit ledger with export."
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
