import { Link, useParams } from 'react-router';

import { EmptyState, ErrorState, LoadingBlock } from '@/components/ui';
import { useSession } from '@/features/auth/session';
import { CollectionEditor } from '@/features/collections/CollectionEditor';
import { type Collection, useCollection } from '@/features/collections/hooks';
import { errorStatus } from '@/lib/problem';
import { canWrite } from '@/lib/roles';

import { PageHeader } from './PageHeader';

import '@/features/studio/studio.css';
import '@/features/collections/collections.css';

/** `/studio/collections/new` and `/studio/collections/:collectionId/edit`. */
export function CollectionEditPage() {
  const { collectionId } = useParams();
  const me = useSession();
  if (!canWrite(me.role))
    return (
      <>
        <PageHeader title="Collections" />
        <div className="card">
          <EmptyState
            title="Your role can look but not change collections"
            description="Ask an admin for member access to create and edit collections."
            action={<Link to="/studio/collections">Back to collections</Link>}
          />
        </div>
      </>
    );
  if (!collectionId) return <EditPage />;
  return <ExistingCollection collectionId={collectionId} />;
}

function ExistingCollection({ collectionId }: { collectionId: string }) {
  const collection = useCollection(collectionId);
  if (collection.isPending) return <LoadingBlock label="Loading the collection" />;
  if (collection.isError) {
    if (errorStatus(collection.error) === 404 || errorStatus(collection.error) === 422) return <CollectionNotFound />;
    return <ErrorState error={collection.error} what="the collection" onRetry={() => void collection.refetch()} retrying={collection.isFetching} />;
  }
  return <EditPage collection={collection.data} />;
}

function EditPage({ collection }: { collection?: Collection }) {
  return (
    <>
      <p className="breadcrumb">
        <Link to="/studio">Studio</Link> <span aria-hidden="true">/</span> <Link to="/studio/collections">Collections</Link>{' '}
        {collection && (
          <>
            <span aria-hidden="true">/</span> <Link to={`/studio/collections/${collection.id}`}>{collection.name}</Link>{' '}
          </>
        )}
        <span aria-hidden="true">/</span>
      </p>
      <PageHeader
        title={collection ? `Edit ${collection.name}` : 'New collection'}
        description="Pick the products, give them one look, and add sections for categories that need their own."
      />
      <CollectionEditor collection={collection} />
    </>
  );
}

export function CollectionNotFound() {
  return (
    <>
      <PageHeader title="Collections" />
      <div className="card">
        <EmptyState
          title="Collection not found"
          description="It may have been deleted, or it belongs to another workspace."
          action={<Link to="/studio/collections">See all collections</Link>}
        />
      </div>
    </>
  );
}
