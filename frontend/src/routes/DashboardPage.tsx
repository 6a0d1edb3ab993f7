import type { ReactElement } from 'react';
import { Link } from 'react-router';

import { BoxIcon, GearIcon, ImageIcon, SparklesIcon, StoreIcon } from '@/components/icons';
import { Badge, Card } from '@/components/ui';
import { useSession } from '@/features/auth/session';
import { CreditsCard } from '@/features/credits/CreditsCard';
import { SetupProgress } from '@/features/onboarding/SetupProgress';
import { canManageWorkspace, roleDescription, roleLabel } from '@/lib/roles';

import { PageHeader } from './PageHeader';

interface QuickLink {
  to: string;
  title: string;
  description: string;
  icon: ReactElement;
}

const QUICK_LINKS: QuickLink[] = [
  { to: '/products', title: 'Add products', description: 'Upload product photos or import them from your store.', icon: <BoxIcon /> },
  { to: '/studio', title: 'Open the Studio', description: 'Pick a product and a scene, and generate lifestyle images.', icon: <SparklesIcon /> },
  { to: '/assets', title: 'Review assets', description: 'Approve, edit and download the images you generated.', icon: <ImageIcon /> },
  { to: '/store', title: 'Connect a store', description: 'Link Shopify or WooCommerce to import and publish.', icon: <StoreIcon /> },
];

export function DashboardPage() {
  const me = useSession();
  const firstName = me.user.name.trim().split(/\s+/)[0] || me.user.name;
  const manage = canManageWorkspace(me.role);

  return (
    <>
      <PageHeader title={firstName ? `Welcome, ${firstName}` : 'Welcome'} description="Here's where your workspace stands." />
      <SetupProgress />
      <CreditsCard />
      <div className="grid grid--2">
        <Card title="Workspace">
          <dl className="facts">
            <div>
              <dt>Name</dt>
              <dd>{me.organization.name}</dd>
            </div>
            <div>
              <dt>Your role</dt>
              <dd>
                <Badge tone="accent">{roleLabel(me.role)}</Badge>{' '}
                <span className="muted">{roleDescription(me.role)}</span>
              </dd>
            </div>
            <div>
              <dt>Workspaces you belong to</dt>
              <dd>{Math.max(me.memberships.length, 1)}</dd>
            </div>
          </dl>
        </Card>
        <Card title="Team and access">
          <p className="muted">
            {manage
              ? 'Invite teammates, set their roles, and create API keys for your own systems.'
              : 'See who is in this workspace and manage your own account.'}
          </p>
          <ul className="link-list">
            <li>
              <Link to="/settings/members">Members and invitations</Link>
            </li>
            {manage && (
              <li>
                <Link to="/settings/api-keys">API keys</Link>
              </li>
            )}
            <li>
              <Link to="/settings/account">Your account</Link>
            </li>
          </ul>
        </Card>
      </div>
      <h2 className="section-title">Quick links</h2>
      <ul className="quick-links">
        {QUICK_LINKS.map((link) => (
          <li key={link.to}>
            <Link to={link.to} className="quick-link">
              <span className="quick-link-icon">{link.icon}</span>
              <span>
                <span className="quick-link-title">{link.title}</span>
                <span className="quick-link-description">{link.description}</span>
              </span>
            </Link>
          </li>
        ))}
        <li>
          <Link to="/settings/workspace" className="quick-link">
            <span className="quick-link-icon">
              <GearIcon />
            </span>
            <span>
              <span className="quick-link-title">Workspace settings</span>
              <span className="quick-link-description">Name, members, API keys and your account.</span>
            </span>
          </Link>
        </li>
      </ul>
    </>
  );
}
