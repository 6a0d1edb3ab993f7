import { useNavigate } from 'react-router';

import { Dialog } from '@/components/ui';

import { useCreateProduct } from './hooks';
import { ProductForm } from './ProductForm';

export function NewProductDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const create = useCreateProduct();
  const navigate = useNavigate();
  const close = () => {
    create.reset();
    onClose();
  };
  return (
    <Dialog open={open} title="New product" description="Add the details now; photos come next." onClose={close} dismissible={!create.isPending}>
      <ProductForm
        submitLabel="Create product"
        pending={create.isPending}
        error={create.error}
        onCancel={close}
        onSubmit={(body) =>
          create.mutate({ body }, { onSuccess: (product) => void navigate(`/products/${product.id}`) })
        }
      />
    </Dialog>
  );
}
