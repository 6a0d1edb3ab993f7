import { Link } from 'react-router';

import { useSession } from '@/features/auth/session';
import { CategoriesPanel } from '@/features/products/CategoriesPanel';
import { canWrite } from '@/lib/roles';

import { PageHeader } from './PageHeader';

export function CategoriesPage() {
  const me = useSession();
  return (
    <>
      <p className="breadcrumb">
        <Link to="/products">Products</Link> <span aria-hidden="true">/</span>
      </p>
      <PageHeader title="Categories" description="Group products and give each group its own generation defaults." />
      <CategoriesPanel writable={canWrite(me.role)} />
    </>
  );
}
