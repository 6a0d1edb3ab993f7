import { type FormEvent, useId, useState } from 'react';

import { Button, Card, FormError, TextField } from '@/components/ui';
import { formErrors, parseError } from '@/lib/problem';

import { normalizeShopDomain, normalizeSiteUrl, storeRedirect } from './connect';
import { type StoreKind, useShopifyInstall, useStoreSandbox, useWooCommerceAuthorize } from './hooks';
import { PLATFORM_NAMES, PlatformMark } from './icons';

const PLATFORM_BLURBS: Record<StoreKind, string> = {
  shopify: 'Connect with your myshopify.com address and approve Epox in your Shopify admin.',
  woocommerce: 'Connect your WordPress site and approve Epox on its WooCommerce screen.',
};

/** Messages for the install's own failures; everything else falls back to what the API said. */
function installError(error: unknown): string | null {
  const { code } = parseError(error);
  if (code === 'store_already_connected') return 'This store is already connected to this workspace.';
  if (code === 'store_not_configured')
    return "Shopify connections aren't set up on this Epox server yet. Ask whoever runs it to add the Shopify app credentials.";
  return null;
}

/** Local runs only (GET /stores/sandbox): fills in the sandbox store, for a first try without a store of one's own. */
function SandboxHint({ label, onUse }: { label: string; onUse: () => void }) {
  return (
    <p className="connect-sandbox">
      Running Epox locally?{' '}
      <button type="button" className="link-button" onClick={onUse}>
        {label}
      </button>
    </p>
  );
}

function ShopifyConnectForm({ sandboxShop }: { sandboxShop: string | null }) {
  const [shop, setShop] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const install = useShopifyInstall();
  const normalized = normalizeShopDomain(shop);
  const server = formErrors(install.error, ['shop'] as const);
  const fieldError = localError ?? server.fields.shop ?? null;
  const general = install.isError ? (installError(install.error) ?? (server.fields.shop ? null : server.general)) : null;
  // Once the API answered, the browser is on its way to Shopify: keep the button busy until the page changes.
  const busy = install.isPending || install.isSuccess;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!normalized.ok) {
      setLocalError(normalized.error);
      return;
    }
    setLocalError(null);
    install.mutate({ body: { shop: normalized.value } }, { onSuccess: (data) => storeRedirect.go(data.authorize_url) });
  };

  const completed = normalized.ok && normalized.value !== shop.trim().toLowerCase();
  return (
    <form className="form connect-form" onSubmit={submit} noValidate aria-label="Connect Shopify">
      <TextField
        label="Shop address"
        name="shop"
        value={shop}
        placeholder="my-store.myshopify.com"
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        onChange={(event) => {
          setShop(event.target.value);
          setLocalError(null);
          install.reset();
        }}
        error={fieldError}
        hint={
          completed ? (
            <>
              We'll connect <strong>{normalized.value}</strong>.
            </>
          ) : (
            'Your myshopify.com address. Just the name (my-store) works too.'
          )
        }
      />
      <FormError message={general} />
      <div className="connect-form-actions">
        <Button type="submit" variant="primary" loading={busy}>
          {busy ? 'Opening Shopify…' : 'Continue to Shopify'}
        </Button>
        {sandboxShop && (
          <SandboxHint
            label="Use the sandbox shop"
            onUse={() => {
              setShop(sandboxShop);
              setLocalError(null);
              install.reset();
            }}
          />
        )}
      </div>
    </form>
  );
}

function WooCommerceConnectForm({ sandboxSite }: { sandboxSite: string | null }) {
  const [site, setSite] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const authorize = useWooCommerceAuthorize();
  const server = formErrors(authorize.error, ['site_url'] as const);
  const fieldError = localError ?? server.fields.site_url ?? null;
  const general = authorize.isError ? (installError(authorize.error) ?? (server.fields.site_url ? null : server.general)) : null;
  const busy = authorize.isPending || authorize.isSuccess;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const normalized = normalizeSiteUrl(site);
    if (!normalized.ok) {
      setLocalError(normalized.error);
      return;
    }
    setLocalError(null);
    authorize.mutate({ body: { site_url: normalized.value } }, { onSuccess: (data) => storeRedirect.go(data.authorize_url) });
  };

  return (
    <form className="form connect-form" onSubmit={submit} noValidate aria-label="Connect WooCommerce">
      <TextField
        label="Store address"
        name="site_url"
        type="url"
        inputMode="url"
        value={site}
        placeholder="https://shop.example.com"
        autoComplete="url"
        autoCapitalize="none"
        spellCheck={false}
        onChange={(event) => {
          setSite(event.target.value);
          setLocalError(null);
          authorize.reset();
        }}
        error={fieldError}
        hint="The address of your WordPress site. You'll sign in there and approve read and write access for Epox."
      />
      <FormError message={general} />
      <div className="connect-form-actions">
        <Button type="submit" variant="primary" loading={busy}>
          {busy ? 'Opening WooCommerce…' : 'Continue to WooCommerce'}
        </Button>
        {sandboxSite && (
          <SandboxHint
            label="Use the sandbox site"
            onUse={() => {
              setSite(sandboxSite);
              setLocalError(null);
              authorize.reset();
            }}
          />
        )}
      </div>
    </form>
  );
}

interface ConnectStoreProps {
  /** Shown when the person opened the wizard next to existing connections. */
  onCancel?: () => void;
}

/** The connect wizard: pick the platform, give the store's address, approve Epox there, come back here. */
export function ConnectStore({ onCancel }: ConnectStoreProps) {
  const [platform, setPlatform] = useState<StoreKind>('shopify');
  const sandbox = useStoreSandbox();
  const name = useId();
  const platformName = PLATFORM_NAMES[platform];
  return (
    <Card
      className="connect-card"
      title="Connect a store"
      description="Import your products with their photos, then publish approved images back. Nothing changes in your store until you publish."
      actions={
        onCancel && (
          <Button variant="ghost" size="sm" onClick={onCancel}>
            Cancel
          </Button>
        )
      }
    >
      <ol className="connect-steps" aria-label="How connecting works">
        <li>Choose your platform</li>
        <li>Enter your store's address</li>
        <li>Approve Epox in {platformName}</li>
        <li>Pick the products to import</li>
      </ol>
      <fieldset className="platform-choice">
        <legend className="visually-hidden">Platform</legend>
        {(['shopify', 'woocommerce'] as const).map((kind) => (
          <label key={kind} className={platform === kind ? 'platform-option platform-option--active' : 'platform-option'}>
            <input
              type="radio"
              name={name}
              value={kind}
              checked={platform === kind}
              onChange={() => setPlatform(kind)}
              className="platform-option-input"
            />
            <PlatformMark kind={kind} size="lg" />
            <span className="platform-option-text">
              <span className="platform-option-name">{PLATFORM_NAMES[kind]}</span>
              <span className="platform-option-blurb">{PLATFORM_BLURBS[kind]}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {platform === 'shopify' ? (
        <ShopifyConnectForm sandboxShop={sandbox.data?.shopify_shop ?? null} />
      ) : (
        <WooCommerceConnectForm sandboxSite={sandbox.data?.woocommerce_site_url ?? null} />
      )}
    </Card>
  );
}
