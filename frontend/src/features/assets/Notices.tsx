import { type ReactNode, useCallback, useRef, useState } from 'react';

import { CloseIcon } from '@/components/icons';
import { Alert, Button } from '@/components/ui';
import type { AlertTone } from '@/components/ui/Alert';

export interface Notice {
  id: number;
  tone: AlertTone;
  title?: string;
  text: ReactNode;
  action?: ReactNode;
}

/** What the page has to say after an action (saved, rolled back, refused): shown until dismissed, newest first. */
export function useNotices() {
  const [notices, setNotices] = useState<Notice[]>([]);
  const next = useRef(0);
  const dismiss = useCallback((id: number) => setNotices((current) => current.filter((notice) => notice.id !== id)), []);
  const push = useCallback((notice: Omit<Notice, 'id'>) => {
    next.current += 1;
    const id = next.current;
    // A few at most: the oldest ones are no longer what the person is looking at.
    setNotices((current) => [{ ...notice, id }, ...current].slice(0, 4));
    return id;
  }, []);
  return { notices, push, dismiss };
}

export function Notices({ notices, onDismiss }: { notices: Notice[]; onDismiss: (id: number) => void }) {
  if (notices.length === 0) return null;
  return (
    <div className="asset-notices">
      {notices.map((notice) => (
        <Alert
          key={notice.id}
          tone={notice.tone}
          title={notice.title}
          actions={
            <div className="button-row">
              {notice.action}
              <Button size="sm" variant="ghost" aria-label="Dismiss" onClick={() => onDismiss(notice.id)}>
                <CloseIcon width={16} height={16} />
              </Button>
            </div>
          }
        >
          {notice.text}
        </Alert>
      ))}
    </div>
  );
}
