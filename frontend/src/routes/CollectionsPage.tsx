import { Link } from 'react-router';

import { buttonClass } from '@/components/ui';
import { useSession } from '@/features/auth/session';
import { CollectionList } from '@/features/collections/CollectionList';
import { StudioTabs } from '@/features/collections/StudioTabs';
import { canWrite } from '@/lib/roles';

import { PageHeader } from './PageHeader';

import '@/features/collections/collections.css';

export function CollectionsPage() {
  const me = useSession();
  return (
    <>
      <PageHeader
        title="Studio"
        description="Collections stage many products at once: one shared look, a section per category, one run for all of them."
        actions={
          canWrite(me.role) && (
            <Link to="/studio/collections/new" className={buttonClass('primary')}>
              New collection
            </Link>
          )
        }
      />
      <StudioTabs />
      <CollectionList />
    </>
  );
}
