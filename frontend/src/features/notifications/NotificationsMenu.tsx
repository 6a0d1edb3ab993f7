import { useEffect, useId, useRef, useState } from 'react';

import { Button, ErrorState, Spinner } from '@/components/ui';
import { cx } from '@/lib/cx';
import { formatDateTime } from '@/lib/format';
import { parseError } from '@/lib/problem';

import { type Notification, useMarkAllNotificationsRead, useMarkNotificationRead, useNotifications } from './hooks';
import { BellIcon } from './icons';

function NotificationItem({ notification }: { notification: Notification }) {
  const markRead = useMarkNotificationRead();
  const unread = notification.read_at === null;
  return (
    <li className={cx('notification', unread && 'notification--unread')}>
      <div className="notification-body">
        <p className="notification-title">
          {unread && <span className="notification-dot" aria-hidden="true" />}
          {notification.title}
          {unread && <span className="visually-hidden"> (unread)</span>}
        </p>
        <p className="notification-text">{notification.body}</p>
        <p className="notification-time">{formatDateTime(notification.created_at)}</p>
        {markRead.isError && <p className="field-error">{parseError(markRead.error).message}</p>}
      </div>
      {unread && (
        <Button
          size="sm"
          variant="ghost"
          loading={markRead.isPending}
          aria-label={`Mark “${notification.title}” as read`}
          onClick={() => markRead.mutate({ path: { notification_id: notification.id } })}
        >
          Mark read
        </Button>
      )}
    </li>
  );
}

/** The header's bell: unread count, the latest notifications, and marking them read. */
export function NotificationsMenu() {
  const notifications = useNotifications();
  const markAll = useMarkAllNotificationsRead();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const headingId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener('pointerdown', onPointerDown);
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown);
      document.removeEventListener('keydown', onKeyDown);
    };
  }, [open]);

  const unread = notifications.data?.unread_count ?? 0;
  const items = notifications.data?.items ?? [];
  const label = unread > 0 ? `Notifications, ${unread} unread` : 'Notifications';

  let body;
  if (notifications.isPending) body = <Spinner label="Loading notifications" />;
  else if (notifications.isError)
    body = (
      <ErrorState
        error={notifications.error}
        what="notifications"
        onRetry={() => void notifications.refetch()}
        retrying={notifications.isFetching}
      />
    );
  else if (items.length === 0) body = <p className="notifications-empty">You're all caught up. Nothing new here.</p>;
  else
    body = (
      <ul className="notifications-list" aria-labelledby={headingId}>
        {items.map((notification) => (
          <NotificationItem key={notification.id} notification={notification} />
        ))}
      </ul>
    );

  return (
    <div className="notifications-menu" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="icon-button notifications-button"
        aria-label={label}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => setOpen((value) => !value)}
      >
        <BellIcon />
        {unread > 0 && (
          <span className="notifications-count" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div id={panelId} className="notifications-panel" role="region" aria-labelledby={headingId}>
          <div className="notifications-head">
            <h2 id={headingId} className="notifications-heading">
              Notifications
            </h2>
            {unread > 0 && (
              <Button size="sm" variant="ghost" loading={markAll.isPending} onClick={() => markAll.mutate({})}>
                Mark all read
              </Button>
            )}
          </div>
          {markAll.isError && <p className="field-error notifications-error">{parseError(markAll.error).message}</p>}
          {body}
        </div>
      )}
    </div>
  );
}
