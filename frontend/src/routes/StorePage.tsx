import { useState } from 'react';

import { StoreIcon } from '@/components/icons';
import { Button, Card, EmptyState, ErrorState, FormError, LoadingBlock } from '@/components/ui';
import { useSession } from '@/features/auth/session';
import { CallbackNotice, useCallbackNotice } from '@/features/stores/CallbackNotice';
import { ConnectStore } from '@/features/stores/ConnectStore';
import { type ImportBody, type Job, isFinished, useJob, useLatestImport, useStartImport, useStores } from '@/features/stores/hooks';
import { PLATFORM_NAMES } from '@/features/stores/icons';
import { ImportProgress } from '@/features/stores/ImportProgress';
import { RemoteCatalog } from '@/features/stores/RemoteCatalog';
import { StoreConnections } from '@/features/stores/StoreConnections';
import { SyncHistory } from '@/features/stores/SyncHistory';
import '@/features/stores/stores.css';
import { cx } from '@/lib/cx';
import { parseError } from '@/lib/problem';
import { canManageWorkspace, canWrite } from '@/lib/roles';

import { PageHeader } from './PageHeader';

const DISMISSED_KEY = 'epox.storeImportDismissed';

/** The import result the person closed stays closed for this browser session. */
function readDismissed(organizationId: string): string | null {
  try {
    return sessionStorage.getItem(`${DISMISSED_KEY}.${organizationId}`);
  } catch {
    return null;
  }
}

function saveDismissed(organizationId: string, jobId: string) {
  try {
    sessionStorage.setItem(`${DISMISSED_KEY}.${organizationId}`, jobId);
  } catch {
    // Private mode without storage: hidden until the next reload.
  }
}

/** The body an import was started with, to start it again after a failure. */
function importBody(job: Job): ImportBody {
  const ids = job.params.external_ids;
  return Array.isArray(ids) && ids.length > 0 ? { external_ids: ids.map(String) } : { all: true };
}

export function StorePage() {
  const me = useSession();
  const manage = canManageWorkspace(me.role);
  const writable = canWrite(me.role);
  const { notice, dismiss } = useCallbackNotice();
  const stores = useStores();
  const latest = useLatestImport();
  const retry = useStartImport();
  const [connecting, setConnecting] = useState(false);
  const [browsingId, setBrowsingId] = useState<string | null>(null);
  const [startedJobId, setStartedJobId] = useState<string | null>(null);
  const [dismissedJobId, setDismissedJobId] = useState<string | null>(() => readDismissed(me.organization.id));

  const list = stores.data?.items ?? [];
  const active = list.filter((store) => store.status === 'active');
  const justConnected = notice?.shop ? active.find((store) => store.shop_domain === notice.shop) : undefined;
  const browsing = active.find((store) => store.id === browsingId) ?? justConnected ?? active[0];

  const latestJobId = latest.data?.id ?? null;
  const jobId = startedJobId ?? latestJobId;
  const shownJobId = jobId !== null && jobId !== dismissedJobId ? jobId : null;
  const job = useJob(jobId);
  const importRunning = job.data !== undefined && !isFinished(job.data.status);

  const started = (next: Job) => {
    setStartedJobId(next.id);
    setDismissedJobId(null);
  };

  let body;
  if (stores.isPending) body = <LoadingBlock label="Loading your stores" />;
  else if (stores.isError)
    body = <ErrorState error={stores.error} what="your stores" onRetry={() => void stores.refetch()} retrying={stores.isFetching} />;
  else if (list.length === 0)
    body = manage ? (
      <ConnectStore />
    ) : (
      <div className="card">
        <EmptyState
          icon={<StoreIcon />}
          title="No store connected yet"
          description={`An owner or admin of ${me.organization.name} can connect your Shopify or WooCommerce store here. Its products then show up ready to import.`}
        />
      </div>
    );
  else
    body = (
      <>
        {connecting && <ConnectStore onCancel={() => setConnecting(false)} />}
        <Card
          title="Connected stores"
          description={manage ? undefined : 'Owners and admins connect stores and change their settings.'}
        >
          <StoreConnections stores={list} manage={manage} />
        </Card>
        <SyncHistory stores={list} canRetry={writable} />
        {shownJobId && (
          <ImportProgress
            jobId={shownJobId}
            canCancel={writable}
            onDismiss={() => {
              setDismissedJobId(shownJobId);
              saveDismissed(me.organization.id, shownJobId);
            }}
            onRetry={
              writable
                ? (failed) => retry.start(String(failed.params.store_id), importBody(failed), started)
                : undefined
            }
            retrying={retry.isPending}
          />
        )}
        <FormError message={retry.isError ? `Couldn't start the import again: ${parseError(retry.error).message}` : null} />
        {active.length > 1 && writable && (
          <div className="segmented store-switch" role="group" aria-label="Browse the products of">
            {active.map((store) => (
              <button
                key={store.id}
                type="button"
                className={cx('segmented-item', store.id === browsing?.id && 'segmented-item--active')}
                aria-pressed={store.id === browsing?.id}
                onClick={() => setBrowsingId(store.id)}
              >
                {store.shop_domain} <span className="muted">({PLATFORM_NAMES[store.kind]})</span>
              </button>
            ))}
          </div>
        )}
        {browsing && writable && (
          <RemoteCatalog key={browsing.id} store={browsing} canImport={writable} importRunning={importRunning} onImportStarted={started} />
        )}
        {active.length > 0 && !writable && (
          <p className="muted store-viewer-note">
            Viewers see the connections; members browse the store's products and import them.
          </p>
        )}
      </>
    );

  return (
    <>
      <PageHeader
        title="Store"
        description="Connect Shopify or WooCommerce, import your products with their photos, and publish approved images back."
        actions={
          manage &&
          list.length > 0 &&
          !connecting && (
            <Button variant="primary" onClick={() => setConnecting(true)}>
              Connect a store
            </Button>
          )
        }
      />
      {notice && <CallbackNotice notice={notice} onDismiss={dismiss} />}
      <div className="store-page">{body}</div>
    </>
  );
}
