import { Link, useParams } from 'react-router';

import { buttonClass, ErrorState, LoadingBlock } from '@/components/ui';
import { useSession } from '@/features/auth/session';
import { CollectionDetail } from '@/features/collections/CollectionDetail';
import { DeleteCollection } from '@/features/collections/DeleteCollection';
import { useCollection } from '@/features/collections/hooks';
import { errorStatus } from '@/lib/problem';
import { canWrite } from '@/lib/roles';

import { CollectionNotFound } from './CollectionEditPage';
import { PageHeader } from './PageHeader';

import '@/features/studio/studio.css';
import '@/features/assets/assets.css';
import '@/features/collections/collections.css';

/** `/studio/collections/:collectionId`: the collection's products, their last run, and Generate. */
export function CollectionDetailPage() {
  const { collectionId = '' } = useParams();
  const me = useSession();
  const collection = useCollection(collectionId);
  if (collection.isPending) return <LoadingBlock label="Loading the collection" />;
  if (collection.isError) {
    if (errorStatus(collection.error) === 404 || errorStatus(collection.error) === 422) return <CollectionNotFound />;
    return <ErrorState error={collection.error} what="the collection" onRetry={() => void collection.refetch()} retrying={collection.isFetching} />;
  }
  const data = collection.data;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/studio">Studio</Link> <span aria-hidden="true">/</span> <Link to="/studio/collections">Collections</Link>{' '}
        <span aria-hidden="true">/</span>
      </p>
      <PageHeader
        title={data.name}
        description={data.description || 'Generate every product at once; each shows how its images came out.'}
        actions={
          canWrite(me.role) && (
            <div className="button-row">
              <Link to={`/studio/collections/${data.id}/edit`} className={buttonClass('secondary')}>
                Edit
              </Link>
              <DeleteCollection collection={data} />
            </div>
          )
        }
      />
      <CollectionDetail key={data.id} collection={data} />
    </>
  );
}
