import { useState } from 'react';

import { Button, Card, ConfirmDialog, EmptyState, ErrorState, LoadingBlock, Table } from '@/components/ui';
import { useSession } from '@/features/auth/session';
import { formatDate, formatDateTime } from '@/lib/format';
import { errorStatus, parseError } from '@/lib/problem';
import { canManageWorkspace, roleLabel } from '@/lib/roles';

import { ApiKeySecret } from './ApiKeySecret';
import { CreateApiKeyForm } from './CreateApiKeyForm';
import { type ApiKey, type ApiKeyCreated, useApiKeys, useRevokeApiKey } from './hooks';

export function ApiKeysPanel() {
  const { role } = useSession();
  const canManage = canManageWorkspace(role);
  const apiKeys = useApiKeys();
  const revoke = useRevokeApiKey();
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const rows = apiKeys.data?.pages.flatMap((page) => page.items) ?? [];

  const closeRevoke = () => {
    setRevoking(null);
    revoke.reset();
  };

  let body;
  if (apiKeys.isPending) body = <LoadingBlock label="Loading API keys" />;
  else if (apiKeys.isError)
    body =
      errorStatus(apiKeys.error) === 403 ? (
        <EmptyState title="API keys are managed by owners and admins" description="Ask one of them for a key." />
      ) : (
        <ErrorState error={apiKeys.error} what="API keys" onRetry={() => void apiKeys.refetch()} retrying={apiKeys.isFetching} />
      );
  else if (rows.length === 0)
    body = (
      <EmptyState
        title="No API keys"
        description={
          canManage
            ? 'Create a key to let your own systems call the Epox API for this workspace.'
            : 'Owners and admins can create keys for this workspace.'
        }
      />
    );
  else
    body = (
      <>
        <Table
          caption="API keys"
          head={
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Acts as</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          }
        >
          {rows.map((key) => (
            <tr key={key.id}>
              <td className="cell-primary">{key.name}</td>
              <td>
                <code className="key-prefix">{key.prefix}…</code>
              </td>
              <td>{roleLabel(key.role)}</td>
              <td className="cell-nowrap">{formatDate(key.created_at)}</td>
              <td className="cell-nowrap">{formatDateTime(key.last_used_at, 'Never')}</td>
              <td className="cell-actions">
                {canManage && (
                  <Button size="sm" variant="ghost" onClick={() => setRevoking(key)} aria-label={`Revoke API key ${key.name}`}>
                    Revoke
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </Table>
        {apiKeys.hasNextPage && (
          <div className="list-more">
            <Button onClick={() => void apiKeys.fetchNextPage()} loading={apiKeys.isFetchingNextPage}>
              Load more
            </Button>
          </div>
        )}
      </>
    );

  return (
    <Card
      title="API keys"
      description="Keys let your own systems call the Epox API (Authorization: Bearer …). Each key belongs to this workspace."
    >
      {created && <ApiKeySecret apiKey={created} onDone={() => setCreated(null)} />}
      {canManage && <CreateApiKeyForm onCreated={setCreated} />}
      {body}
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke "${revoking?.name ?? ''}"?`}
        description="Anything still using this key stops working immediately. This can't be undone."
        confirmLabel="Revoke key"
        pending={revoke.isPending}
        error={revoke.isError ? parseError(revoke.error).message : null}
        onCancel={closeRevoke}
        onConfirm={() => {
          if (!revoking) return;
          revoke.mutate({ path: { api_key_id: revoking.id } }, { onSuccess: closeRevoke });
        }}
      />
    </Card>
  );
}
