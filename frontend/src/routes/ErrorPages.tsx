import { isRouteErrorResponse, Link, useRouteError } from 'react-router';

import { buttonClass, EmptyState } from '@/components/ui';

import { AuthLayout } from './AuthLayout';

export function NotFoundPage() {
  return (
    <AuthLayout title="Page not found">
      <EmptyState
        title="There's nothing at this address"
        description="The link may be old, or the page may have moved."
        action={
          <Link className={buttonClass('primary')} to="/">
            Go to the dashboard
          </Link>
        }
      />
    </AuthLayout>
  );
}

/** Last resort for a render error anywhere in the tree: say so, and offer a way back. */
export function RouteErrorPage() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundPage />;
  return (
    <AuthLayout title="Something went wrong">
      <EmptyState
        title="This page ran into a problem"
        description="Reload to try again. If it keeps happening, let us know what you were doing."
        action={
          <button type="button" className={buttonClass('primary')} onClick={() => window.location.reload()}>
            Reload
          </button>
        }
      />
    </AuthLayout>
  );
}
