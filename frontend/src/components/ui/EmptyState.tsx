import type { ReactNode } from 'react';

import { parseError } from '@/lib/problem';

import { Alert } from './Alert';
import { Button } from './Button';

interface EmptyStateProps {
  title: ReactNode;
  description?: ReactNode;
  action?: ReactNode;
  icon?: ReactNode;
}

export function EmptyState({ title, description, action, icon }: EmptyStateProps) {
  return (
    <div className="empty-state">
      {icon && (
        <div className="empty-state-icon" aria-hidden="true">
          {icon}
        </div>
      )}
      <p className="empty-state-title">{title}</p>
      {description && <p className="empty-state-description">{description}</p>}
      {action && <div className="empty-state-action">{action}</div>}
    </div>
  );
}

interface ErrorStateProps {
  error: unknown;
  /** What failed to load, e.g. "members". */
  what?: string;
  onRetry?: () => void;
  retrying?: boolean;
}

/** A list or page that could not load: what happened, and a way to try again. */
export function ErrorState({ error, what, onRetry, retrying }: ErrorStateProps) {
  const { message } = parseError(error);
  return (
    <Alert
      tone="error"
      title={what ? `Couldn't load ${what}` : "Couldn't load this"}
      actions={
        onRetry && (
          <Button size="sm" onClick={onRetry} loading={retrying}>
            Try again
          </Button>
        )
      }
    >
      {message}
    </Alert>
  );
}
