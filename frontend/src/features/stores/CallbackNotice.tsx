import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';

import { CloseIcon } from '@/components/icons';
import { Alert } from '@/components/ui';
import type { AlertTone } from '@/components/ui/Alert';

import { shopifyCallbackError } from './connect';

interface Notice {
  tone: AlertTone;
  title: string;
  text: string;
  /** The shop that was just connected, so the page can open its catalog. */
  shop?: string;
}

const CALLBACK_PARAMS = ['connected', 'error', 'woocommerce'];

/** What the store's approval screen sent the browser back with: `/store?connected=…`, `?error=…`, `?woocommerce=…`. */
function noticeFrom(params: URLSearchParams): Notice | null {
  const connected = params.get('connected');
  if (connected)
    return {
      tone: 'success',
      title: 'Store connected',
      text: `${connected} is connected. Pick the products to import below.`,
      shop: connected,
    };
  const error = params.get('error');
  if (error) return { tone: 'error', title: "Your Shopify store wasn't connected", text: shopifyCallbackError(error) };
  const woocommerce = params.get('woocommerce');
  if (woocommerce === 'connected')
    return { tone: 'success', title: 'Store connected', text: 'Your WooCommerce store is connected. Pick the products to import below.' };
  if (woocommerce)
    return {
      tone: 'warning',
      title: 'WooCommerce access was declined',
      text: 'Nothing was connected. To connect, start again and choose Approve on the WooCommerce screen.',
    };
  return null;
}

/**
 * Reads the callback's result once, then takes it out of the address bar so a reload or a shared link does not
 * announce it again.
 */
export function useCallbackNotice() {
  const [params, setParams] = useSearchParams();
  const [notice, setNotice] = useState<Notice | null>(() => noticeFrom(params));
  const hasCallbackParams = CALLBACK_PARAMS.some((key) => params.has(key));

  useEffect(() => {
    if (!hasCallbackParams) return;
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const key of [...CALLBACK_PARAMS, 'success']) next.delete(key);
        return next;
      },
      { replace: true },
    );
  }, [hasCallbackParams, setParams]);

  return { notice, dismiss: () => setNotice(null) };
}

export function CallbackNotice({ notice, onDismiss }: { notice: Notice; onDismiss: () => void }) {
  return (
    <Alert
      tone={notice.tone}
      title={notice.title}
      className="store-notice"
      actions={
        <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>
          <CloseIcon />
        </button>
      }
    >
      {notice.text}
    </Alert>
  );
}
