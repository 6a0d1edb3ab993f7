import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';

import { Header } from '@/components/shell/Header';
import { Sidebar } from '@/components/shell/Sidebar';
import { ErrorState, LoadingBlock } from '@/components/ui';
import { SupportSessionBanner } from '@/features/admin/SupportSessionBanner';
import { hasWorkspace, meQueryOptions, SessionProvider } from '@/features/auth/session';
import { VerifyEmailBanner } from '@/features/auth/VerifyEmailBanner';
import { PastDueBanner } from '@/features/billing/PastDueBanner';
import { LowBalanceBanner } from '@/features/credits/LowBalanceBanner';
import { NoWorkspace } from '@/features/organization/NoWorkspace';
import { errorStatus } from '@/lib/problem';
import { loginPath } from '@/lib/redirect';

import { AuthLayout } from './AuthLayout';

/** Every signed-in page: the session check, the sidebar, the header, and the page itself. */
export function AppLayout() {
  const location = useLocation();
  const me = useQuery(meQueryOptions());
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const sidebarId = useId();

  // The phone drawer closes with Escape, like any other overlay.
  useEffect(() => {
    if (!sidebarOpen) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setSidebarOpen(false);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [sidebarOpen]);

  // Checked before data: a session that ended while the app was open still has the old `Me` cached.
  if (me.isError && errorStatus(me.error) === 401) {
    return <Navigate to={loginPath(`${location.pathname}${location.search}`)} replace />;
  }
  if (me.isPending) {
    return (
      <div className="page-center">
        <LoadingBlock label="Loading your workspace" />
      </div>
    );
  }
  if (me.isError) {
    return (
      <div className="page-center">
        <div className="page-center-inner">
          <ErrorState error={me.error} what="your workspace" onRetry={() => void me.refetch()} retrying={me.isFetching} />
        </div>
      </div>
    );
  }
  if (!hasWorkspace(me.data)) {
    return (
      <AuthLayout title={me.data.memberships.length > 0 ? 'Pick a workspace' : 'No workspace'}>
        <NoWorkspace me={me.data} />
      </AuthLayout>
    );
  }

  return (
    <SessionProvider me={me.data}>
      <div className="app-shell">
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <Sidebar id={sidebarId} open={sidebarOpen} onNavigate={() => setSidebarOpen(false)} />
        {sidebarOpen && <div className="sidebar-scrim" aria-hidden="true" onClick={() => setSidebarOpen(false)} />}
        <div className="app-main">
          <Header
            sidebarId={sidebarId}
            sidebarOpen={sidebarOpen}
            onToggleSidebar={() => setSidebarOpen((open) => !open)}
          />
          <SupportSessionBanner />
          <VerifyEmailBanner />
          <PastDueBanner />
          <LowBalanceBanner />
          <main id="main" className="app-content" tabIndex={-1}>
            <Outlet />
          </main>
        </div>
      </div>
    </SessionProvider>
  );
}
