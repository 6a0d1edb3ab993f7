import type { Approval, AssetSyncState } from '@/client/types.gen';
import { Badge, type BadgeTone } from '@/components/ui';

import type { Asset } from './hooks';

const SYNC: Record<AssetSyncState, { label: string; tone: BadgeTone }> = {
  not_synced: { label: 'Not published', tone: 'neutral' },
  pending: { label: 'Publishing…', tone: 'accent' },
  synced: { label: 'Synced', tone: 'success' },
  failed: { label: 'Sync failed', tone: 'danger' },
};

const APPROVAL: Record<Approval, { label: string; tone: BadgeTone }> = {
  pending: { label: 'To review', tone: 'neutral' },
  approved: { label: 'Approved', tone: 'success' },
  rejected: { label: 'Rejected', tone: 'warning' },
};

export const syncLabel = (state: AssetSyncState) => SYNC[state].label;
export const approvalLabel = (approval: Approval) => APPROVAL[approval].label;

/** Where the asset stands with the store; a failure carries its reason (shown, or on hover where space is short). */
export function SyncBadge({ asset, showReason = false }: { asset: Pick<Asset, 'sync_state' | 'sync_error'>; showReason?: boolean }) {
  const { label, tone } = SYNC[asset.sync_state];
  const reason = asset.sync_state === 'failed' ? asset.sync_error : null;
  return (
    <span className="sync-badge" title={reason ?? undefined}>
      <Badge tone={tone}>{label}</Badge>
      {reason && (showReason ? <span className="sync-badge-reason">{reason}</span> : <span className="visually-hidden">: {reason}</span>)}
    </span>
  );
}

export function ApprovalBadge({ approval }: { approval: Approval }) {
  const { label, tone } = APPROVAL[approval];
  return <Badge tone={tone}>{label}</Badge>;
}

const DAY_MS = 24 * 3600 * 1000;

/** Whole days until a trashed asset is removed for good (0 on its last day). */
export function daysLeft(purgeAt: string | null, now = Date.now()): number | null {
  if (!purgeAt) return null;
  const left = Date.parse(purgeAt) - now;
  return Number.isNaN(left) ? null : Math.max(0, Math.floor(left / DAY_MS));
}

export function daysLeftText(purgeAt: string | null, now = Date.now()): string {
  const days = daysLeft(purgeAt, now);
  if (days === null) return 'In the trash';
  if (days === 0) return 'Removed for good today';
  return `${days} ${days === 1 ? 'day' : 'days'} left to restore`;
}
