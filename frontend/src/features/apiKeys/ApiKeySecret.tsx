import { useId, useState } from 'react';

import { Alert, Button, Input } from '@/components/ui';

import type { ApiKeyCreated } from './hooks';

/** The one and only time a key's secret is visible: copy it now. */
export function ApiKeySecret({ apiKey, onDone }: { apiKey: ApiKeyCreated; onDone: () => void }) {
  const id = useId();
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(apiKey.secret);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };

  return (
    <Alert
      tone="success"
      title={`API key "${apiKey.name}" created`}
      className="secret-box"
      actions={
        <Button size="sm" onClick={onDone}>
          Done
        </Button>
      }
    >
      <p>
        <strong>Copy this key now. It won't be shown again.</strong> Store it somewhere safe; anyone with it can use
        your workspace's credits.
      </p>
      <div className="secret-row">
        <label htmlFor={id} className="visually-hidden">
          Secret for {apiKey.name}
        </label>
        <Input
          id={id}
          readOnly
          value={apiKey.secret}
          className="secret-input"
          spellCheck={false}
          onFocus={(event) => event.currentTarget.select()}
        />
        <Button variant="primary" size="sm" onClick={() => void copy()} aria-label="Copy API key">
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </Button>
      </div>
      <span role="status" className="inline-action-status">
        {copied === 'yes' && 'Copied to the clipboard.'}
        {copied === 'failed' && "Couldn't copy automatically. Select the key and copy it yourself."}
      </span>
    </Alert>
  );
}
