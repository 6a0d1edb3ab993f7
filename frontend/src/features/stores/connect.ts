/** What the connect wizard needs to know without asking the API: addresses, and what the callbacks mean. */

export const SHOPIFY_SUFFIX = '.myshopify.com';

const SHOP_NAME = /^[a-z0-9][a-z0-9-]*$/;
const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export type Normalized = { ok: true; value: string } | { ok: false; error: string };

/**
 * Accepts what merchants paste: `my-store`, `my-store.myshopify.com`, `https://my-store.myshopify.com/admin`, or
 * the admin address `admin.shopify.com/store/my-store`; answers the `*.myshopify.com` domain the API wants.
 */
export function normalizeShopDomain(input: string): Normalized {
  let value = input.trim().toLowerCase();
  if (!value) return { ok: false, error: "Enter your shop's address." };
  value = value.replace(/^[a-z]+:\/\//, '');
  const admin = /^admin\.shopify\.com\/store\/([^/?#]+)/.exec(value);
  if (admin?.[1]) value = admin[1];
  value = value.replace(/[/?#].*$/, '').replace(/\.+$/, '');
  if (SHOP_NAME.test(value)) value = `${value}${SHOPIFY_SUFFIX}`;
  if (SHOP_DOMAIN.test(value)) return { ok: true, value };
  return {
    ok: false,
    error: `Use your shop's myshopify.com address, like my-store${SHOPIFY_SUFFIX} (you find it in Shopify under Settings → Domains).`,
  };
}

/** A WooCommerce site's address: `shop.example.com` becomes `https://shop.example.com`; paths are kept. */
export function normalizeSiteUrl(input: string): Normalized {
  let value = input.trim();
  if (!value) return { ok: false, error: "Enter your store's web address." };
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) value = `https://${value}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, error: 'That does not look like a web address. Use something like https://shop.example.com.' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, error: 'Use an address that starts with https://.' };
  }
  if (!url.hostname.includes('.') && url.hostname !== 'localhost') {
    return { ok: false, error: 'Use the full address of your store, like https://shop.example.com.' };
  }
  url.hash = '';
  url.search = '';
  return { ok: true, value: url.toString().replace(/\/$/, '') };
}

/** The reasons the API's Shopify callback sends back (`/store?error=<reason>`), in plain words. */
export const SHOPIFY_CALLBACK_ERRORS: Record<string, string> = {
  not_configured:
    "Shopify connections aren't set up on this Epox server yet. Ask whoever runs it to add the Shopify app credentials.",
  invalid_hmac: "Shopify's answer couldn't be verified, so nothing was connected. Start again below.",
  expired: 'The approval took too long and expired. Start again below.',
  invalid_shop: "Shopify sent back a shop address we don't recognise. Check the address and start again.",
  invalid_state:
    'This approval link was already used or was started in another browser. Start again below from this page.',
  invalid_request: 'Shopify sent back an incomplete answer. Start again below.',
  exchange_failed:
    "Shopify approved Epox but didn't grant access. Try again in a moment; if it keeps failing, check the app in your Shopify admin.",
  already_connected: 'That store is already connected to a workspace.',
};

export function shopifyCallbackError(reason: string): string {
  return SHOPIFY_CALLBACK_ERRORS[reason] ?? 'Shopify could not connect the store. Start again below.';
}

/** Opens the store's approval page: a full page load, the store sends the browser back to /store. (An object, so
 * tests can replace `go`; jsdom cannot navigate.) */
export const storeRedirect = {
  go(url: string): void {
    window.location.assign(url);
  },
};
