import { keepPreviousData, type QueryClient, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

import {
  addProductImageMutation,
  archiveProductMutation,
  createCategoryMutation,
  createProductMutation,
  deleteCategoryMutation,
  deleteProductImageMutation,
  getProductOptions,
  getProductSlotsOptions,
  listCategoriesInfiniteOptions,
  listProductsInfiniteOptions,
  listProductsOptions,
  restoreProductMutation,
  updateCategoryMutation,
  updateProductImageMutation,
  updateProductMutation,
} from '@/client/@tanstack/react-query.gen';
import type { CategoryOut, ListProductsData, ProductImageOut, ProductOut, SlotsOut } from '@/client/types.gen';

export type Product = ProductOut;
export type ProductImage = ProductImageOut;
export type Category = CategoryOut;
export type Slots = SlotsOut;
export type ProductFilters = NonNullable<ListProductsData['query']>;

/** Keyset pages: the first page is `{}` (see features/members/hooks.ts), the next ones use `next_cursor`. */
const cursorPages = {
  initialPageParam: {},
  getNextPageParam: (page: { next_cursor?: string | null }) => page.next_cursor ?? undefined,
};

const CATALOG_QUERIES = new Set(['listProducts', 'getProduct', 'getProductSlots', 'listCategories', 'getCategory']);

/** Products, their images, categories and slot counts all depend on each other: refresh them together. */
export function invalidateCatalog(queryClient: QueryClient) {
  return queryClient.invalidateQueries({
    predicate: (query) => CATALOG_QUERIES.has(String((query.queryKey[0] as { _id?: unknown } | undefined)?._id)),
  });
}

function useCatalogMutation<T extends object>(options: T) {
  const queryClient = useQueryClient();
  return { ...options, onSuccess: () => invalidateCatalog(queryClient) };
}

export function useProducts(filters: ProductFilters) {
  return useInfiniteQuery({ ...listProductsInfiniteOptions({ query: { limit: 48, ...filters } }), ...cursorPages });
}

/** A product looked up by id: loaded, still loading, or gone (deleted, or never of this workspace). */
export interface ProductLookup {
  product: Product | undefined;
  pending: boolean;
  missing: boolean;
}

/** Up to 200 products by id in one request (GET /products?id=…, archived ones included); `find(id)` answers for
 * each. While a changed list of ids is asked again, the products already known stay shown. */
export function useProductsById(ids: readonly string[]): (productId: string) => ProductLookup {
  const unique = [...new Set(ids)].sort();
  const query = useQuery({
    ...listProductsOptions({ query: { id: unique, limit: 200 } }),
    enabled: unique.length > 0,
    placeholderData: keepPreviousData,
  });
  const byId = new Map((query.data?.items ?? []).map((product) => [product.id, product]));
  const settled = query.isSuccess && !query.isPlaceholderData;
  return (productId) => {
    const product = byId.get(productId);
    return { product, pending: !product && !settled && !query.isError, missing: !product && (settled || query.isError) };
  };
}

export function useProduct(productId: string) {
  return useQuery(getProductOptions({ path: { product_id: productId } }));
}

export function useProductSlots() {
  return useQuery(getProductSlotsOptions());
}

/** Every category of the workspace (they are few; pages of 200 are fetched until there are no more). */
export function useCategories() {
  const query = useInfiniteQuery({ ...listCategoriesInfiniteOptions({ query: { limit: 200 } }), ...cursorPages });
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  return { ...query, categories: query.data?.pages.flatMap((page) => page.items) ?? [] };
}

export function useCreateProduct() {
  return useMutation(useCatalogMutation(createProductMutation()));
}

export function useUpdateProduct() {
  return useMutation(useCatalogMutation(updateProductMutation()));
}

export function useArchiveProduct() {
  return useMutation(useCatalogMutation(archiveProductMutation()));
}

export function useRestoreProduct() {
  return useMutation(useCatalogMutation(restoreProductMutation()));
}

export function useAddProductImage() {
  return useMutation(useCatalogMutation(addProductImageMutation()));
}

export function useUpdateProductImage() {
  return useMutation(useCatalogMutation(updateProductImageMutation()));
}

export function useDeleteProductImage() {
  return useMutation(useCatalogMutation(deleteProductImageMutation()));
}

export function useCreateCategory() {
  return useMutation(useCatalogMutation(createCategoryMutation()));
}

export function useUpdateCategory() {
  return useMutation(useCatalogMutation(updateCategoryMutation()));
}

export function useDeleteCategory() {
  return useMutation(useCatalogMutation(deleteCategoryMutation()));
}

export function primaryImage(product: Product): ProductImage | undefined {
  return product.images.find((image) => image.is_primary) ?? product.images[0];
}
