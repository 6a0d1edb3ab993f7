import { Link } from 'react-router';

import { Button } from '@/components/ui';
import { useSession } from '@/features/auth/session';
import { formatDateTime } from '@/lib/format';

import { useAdminEndSupportAccess } from './hooks';

/**
 * For a platform admin with a support session open: every workspace page shows the merchant's workspace,
 * read-only, until the session ends; this says so on every page, with a way out.
 */
export function SupportSessionBanner() {
  // GET /me names the live support access (and answers with the merchant's workspace while it lasts).
  const { support_access: grant } = useSession();
  const end = useAdminEndSupportAccess();
  if (!grant) return null;
  return (
    <div className="banner banner--support" role="region" aria-label="Support session">
      <p className="banner-text">
        <strong>Read-only support session.</strong> Workspace pages show{' '}
        <Link to={`/admin/organizations/${grant.organization_id}`}>the merchant’s workspace</Link> until{' '}
        {formatDateTime(grant.expires_at)}. Reason: “{grant.reason}”.
      </p>
      <div className="banner-actions">
        <Button size="sm" variant="danger" loading={end.isPending} onClick={() => end.mutate({ path: { grant_id: grant.id } })}>
          End session
        </Button>
      </div>
    </div>
  );
}
