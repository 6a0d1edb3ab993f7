import { useParams } from 'react-router';

import { AuditLog } from '@/features/admin/AuditLog';
import { FailedJobs } from '@/features/admin/FailedJobs';
import { OrganizationDetail } from '@/features/admin/OrganizationDetail';
import { OrganizationsList } from '@/features/admin/OrganizationsList';
import { ProviderCosts } from '@/features/admin/ProviderCosts';
import { CatalogAdmin } from '@/features/billing/CatalogAdmin';
import { usePageTitle } from '@/lib/usePageTitle';

export function AdminOrganizationsPage() {
  usePageTitle('Admin · Workspaces');
  return <OrganizationsList />;
}

export function AdminOrganizationPage() {
  usePageTitle('Admin · Workspace');
  const { organizationId = '' } = useParams();
  return <OrganizationDetail key={organizationId} organizationId={organizationId} />;
}

export function AdminJobsPage() {
  usePageTitle('Admin · Failed jobs');
  return <FailedJobs />;
}

export function AdminCostsPage() {
  usePageTitle('Admin · Provider costs');
  return <ProviderCosts />;
}

export function AdminAuditPage() {
  usePageTitle('Admin · Audit log');
  return <AuditLog />;
}

export function AdminCatalogPage() {
  usePageTitle('Admin · Plans & packs');
  return <CatalogAdmin />;
}
