import { useQuery } from '@tanstack/react-query';

import {
  getProductSlotsOptions,
  listAssetsOptions,
  listProductsOptions,
  listStoresOptions,
} from '@/client/@tanstack/react-query.gen';
import type { Session } from '@/features/auth/session';
import { useSubscription } from '@/features/billing/hooks';
import { ENTITLED_STATUSES } from '@/features/billing/plans';

import { defaultWorkspaceName, type OnboardingFacts } from './steps';

/** Recent assets are enough to tell "has one" and "has an approved one" for a new workspace. */
const RECENT_ASSETS = 50;

/** The reads the wizard's steps are computed from; each refreshes when its own data changes elsewhere. */
export function useOnboardingData(me: Session) {
  const subscription = useSubscription();
  const slots = useQuery(getProductSlotsOptions());
  const stores = useQuery(listStoresOptions());
  const assets = useQuery(listAssetsOptions({ query: { limit: RECENT_ASSETS } }));
  const products = useQuery(listProductsOptions({ query: { limit: 6 } }));

  const queries = [subscription, slots, stores, assets];
  const pending = queries.some((query) => query.isPending);
  const assetItems = assets.data?.items ?? [];
  const facts: OnboardingFacts = {
    workspaceNamed: me.organization.name.trim() !== defaultWorkspaceName(me.user.name).trim(),
    hasPlan: Boolean(
      subscription.data && subscription.data.status !== 'none' && ENTITLED_STATUSES.has(subscription.data.status),
    ),
    hasCatalog: (slots.data?.used ?? 0) > 0 || (stores.data?.items.length ?? 0) > 0,
    hasAsset: assetItems.length > 0,
    hasApprovedAsset: assetItems.some((asset) => asset.approval === 'approved'),
  };
  return {
    facts,
    pending,
    subscription: subscription.data,
    stores: stores.data?.items ?? [],
    products: products.data?.items ?? [],
    assets: assetItems,
    /** A read failed: the wizard still works, that step just can't tell it is done. */
    failed: queries.some((query) => query.isError),
  };
}
