import { WorkspaceSupportAccess } from '@/features/admin/WorkspaceSupportAccess';
import { ApiKeysPanel } from '@/features/apiKeys/ApiKeysPanel';
import { ChangePasswordForm } from '@/features/auth/ChangePasswordForm';
import { ProfileForm } from '@/features/auth/ProfileForm';
import { InvitationsPanel } from '@/features/members/InvitationsPanel';
import { MembersPanel } from '@/features/members/MembersPanel';
import { NotificationPreferences } from '@/features/notifications/NotificationPreferences';
import { UsageAlertSettings } from '@/features/notifications/UsageAlertSettings';
import { WorkspaceSettings } from '@/features/organization/WorkspaceSettings';
import { usePageTitle } from '@/lib/usePageTitle';

export function WorkspaceSettingsPage() {
  usePageTitle('Workspace settings');
  return (
    <div className="stack stack--lg">
      <WorkspaceSettings />
      <WorkspaceSupportAccess />
    </div>
  );
}

export function MembersSettingsPage() {
  usePageTitle('Members');
  return (
    <div className="stack stack--lg">
      <MembersPanel />
      <InvitationsPanel />
    </div>
  );
}

export function ApiKeysSettingsPage() {
  usePageTitle('API keys');
  return <ApiKeysPanel />;
}

export function AccountSettingsPage() {
  usePageTitle('Account');
  return (
    <div className="stack stack--lg">
      <ProfileForm />
      <ChangePasswordForm />
    </div>
  );
}

export function NotificationSettingsPage() {
  usePageTitle('Notifications');
  return (
    <div className="stack stack--lg">
      <NotificationPreferences />
      <UsageAlertSettings />
    </div>
  );
}
