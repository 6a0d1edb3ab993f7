import { useState } from 'react';
import { useNavigate } from 'react-router';

import { Button, ConfirmDialog } from '@/components/ui';
import { parseError } from '@/lib/problem';

import { type Collection, useDeleteCollection } from './hooks';

/** Delete, after asking: the collection and its flows go, the images it made stay with their products. */
export function DeleteCollection({ collection }: { collection: Collection }) {
  const navigate = useNavigate();
  const remove = useDeleteCollection();
  const [asking, setAsking] = useState(false);
  return (
    <>
      <Button variant="danger" onClick={() => setAsking(true)}>
        Delete
      </Button>
      <ConfirmDialog
        open={asking}
        title={`Delete ${collection.name}?`}
        description="The collection, its settings and sections go. The images it made stay with their products, in Assets."
        confirmLabel="Delete collection"
        pending={remove.isPending}
        error={remove.isError ? parseError(remove.error).message : null}
        onCancel={() => {
          setAsking(false);
          remove.reset();
        }}
        onConfirm={() =>
          remove.mutate({ path: { collection_id: collection.id } }, { onSuccess: () => void navigate('/studio/collections', { replace: true }) })
        }
      />
    </>
  );
}
