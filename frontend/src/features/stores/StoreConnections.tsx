import { useState } from 'react';

import { Alert, Badge, type BadgeTone, Button, ConfirmDialog, FormError, Spinner } from '@/components/ui';
import { formatDateTime } from '@/lib/format';
import { parseError } from '@/lib/problem';

import { storeRedirect } from './connect';
import { type Store, type StoreStatus, useDeleteStore, useShopifyInstall, useUpdateStore, useWooCommerceAuthorize } from './hooks';
import { LinkOffIcon, PLATFORM_NAMES, PlatformMark, RefreshIcon } from './icons';

const STATUS: Record<StoreStatus, { label: string; tone: BadgeTone }> = {
  active: { label: 'Connected', tone: 'success' },
  disconnected: { label: 'Disconnected', tone: 'neutral' },
  error: { label: 'Needs attention', tone: 'danger' },
};

/** What each webhook subscription tells Epox, in words (Shopify's topics and WooCommerce's). */
const TOPIC_WORDS: Record<string, string> = {
  PRODUCTS_UPDATE: 'product edits',
  PRODUCTS_DELETE: 'deleted products',
  APP_UNINSTALLED: 'app removal',
  'product.updated': 'product edits',
  'product.deleted': 'deleted products',
};

/** Webhooks keep imported products in step with the store: which ones are set up, and when one last arrived. */
function WebhookHealth({ store }: { store: Store }) {
  if (store.status !== 'active') return null;
  const topics = [...new Set(store.webhook_topics.map((topic) => TOPIC_WORDS[topic] ?? topic))];
  return (
    <div className="store-fact">
      <dt>Store updates</dt>
      <dd>
        {topics.length === 0 ? (
          <span className="store-fact-warning">Not set up: changes in the store don't reach Epox. Reconnect to fix.</span>
        ) : (
          <span title={`Epox hears about ${topics.join(', ')}`}>
            {store.last_webhook_at ? `Last received ${formatDateTime(store.last_webhook_at)}` : 'Listening, nothing received yet'}
          </span>
        )}
      </dd>
    </div>
  );
}

interface ConnectionProps {
  store: Store;
  manage: boolean;
  onDisconnect: (store: Store) => void;
}

function Connection({ store, manage, onDisconnect }: ConnectionProps) {
  const update = useUpdateStore();
  const shopify = useShopifyInstall();
  const woocommerce = useWooCommerceAuthorize();
  const reinstall = store.kind === 'shopify' ? shopify : woocommerce;
  const reconnect = () => {
    const go = { onSuccess: (data: { authorize_url: string }) => storeRedirect.go(data.authorize_url) };
    if (store.kind === 'shopify') shopify.mutate({ body: { shop: store.shop_domain } }, go);
    else woocommerce.mutate({ body: { site_url: store.shop_domain } }, go);
  };
  const status = STATUS[store.status];
  const platform = PLATFORM_NAMES[store.kind];
  const autoSync = update.isPending && update.variables.body.auto_sync != null ? update.variables.body.auto_sync : store.auto_sync;

  return (
    <li className="store-connection">
      <div className="store-connection-head">
        <PlatformMark kind={store.kind} />
        <div className="store-connection-name">
          <span className="store-connection-domain">{store.shop_domain}</span>
          <span className="store-connection-meta">
            {platform} · connected {formatDateTime(store.created_at)}
          </span>
        </div>
        <Badge tone={status.tone}>{status.label}</Badge>
        {manage && (
          <div className="store-connection-actions">
            {store.status !== 'active' && (
              <Button
                size="sm"
                variant="primary"
                loading={reinstall.isPending || reinstall.isSuccess}
                onClick={reconnect}
              >
                <RefreshIcon /> Reconnect
              </Button>
            )}
            <Button size="sm" variant="ghost" onClick={() => onDisconnect(store)} aria-label={`Disconnect ${store.shop_domain}`}>
              <LinkOffIcon /> Disconnect
            </Button>
          </div>
        )}
      </div>
      {store.status !== 'active' && (
        <Alert tone={store.status === 'error' ? 'error' : 'warning'} className="store-connection-alert">
          {store.last_error ??
            (store.status === 'disconnected'
              ? `Epox no longer has access to this store (${store.kind === 'shopify' ? 'the Epox app was removed in Shopify' : 'its API key was revoked in WooCommerce'}).`
              : 'The store stopped answering.')}{' '}
          {manage ? 'Reconnect to browse and import again.' : 'An owner or admin can reconnect it.'}{' '}
          Imported products stay in your catalog.
        </Alert>
      )}
      {store.status === 'active' && store.last_error && (
        <Alert tone="warning" className="store-connection-alert" title="Last sync had a problem">
          {store.last_error}
        </Alert>
      )}
      <dl className="store-facts">
        <div className="store-fact">
          <dt>Last import</dt>
          <dd>{store.last_synced_at ? formatDateTime(store.last_synced_at) : 'Not yet'}</dd>
        </div>
        <WebhookHealth store={store} />
        <div className="store-fact store-fact--setting">
          <dt>Publishing</dt>
          <dd>
            {manage ? (
              <label className="check switch">
                <input
                  type="checkbox"
                  role="switch"
                  checked={autoSync}
                  disabled={update.isPending}
                  onChange={(event) => update.mutate({ path: { store_id: store.id }, body: { auto_sync: event.target.checked } })}
                />
                <span>Publish approved images to {platform} automatically</span>
                {update.isPending && <Spinner size="sm" label="Saving" />}
              </label>
            ) : store.auto_sync ? (
              'Approved images are published automatically'
            ) : (
              'Approved images are published by hand'
            )}
          </dd>
        </div>
      </dl>
      <FormError message={update.isError ? `Couldn't save: ${parseError(update.error).message}` : null} />
      <FormError message={reinstall.isError ? parseError(reinstall.error).message : null} />
    </li>
  );
}

interface StoreConnectionsProps {
  stores: Store[];
  /** Owners and admins connect, disconnect and change settings. */
  manage: boolean;
}

/** Every connected store: where it is, whether it works, when it last synced, and its settings. */
export function StoreConnections({ stores, manage }: StoreConnectionsProps) {
  const [disconnecting, setDisconnecting] = useState<Store | null>(null);
  const remove = useDeleteStore();
  const close = () => {
    setDisconnecting(null);
    remove.reset();
  };
  return (
    <>
      <ul className="store-connections" aria-label="Connected stores">
        {stores.map((store) => (
          <Connection key={store.id} store={store} manage={manage} onDisconnect={setDisconnecting} />
        ))}
      </ul>
      <ConfirmDialog
        open={disconnecting !== null}
        title={`Disconnect ${disconnecting?.shop_domain ?? 'this store'}?`}
        description={
          <>
            Epox forgets its access to the store and stops following its changes. Products you already imported stay in your
            catalog with their images. You can connect the store again at any time.
          </>
        }
        confirmLabel="Disconnect"
        pending={remove.isPending}
        error={remove.isError ? parseError(remove.error).message : null}
        onCancel={close}
        onConfirm={() => {
          if (disconnecting) remove.mutate({ path: { store_id: disconnecting.id } }, { onSuccess: close });
        }}
      />
    </>
  );
}
