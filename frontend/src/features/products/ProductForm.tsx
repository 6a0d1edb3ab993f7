import { type FormEvent, useState } from 'react';

import type { CreateProductRequest } from '@/client/types.gen';
import { Button, Field, FormError, Select, Textarea, TextField } from '@/components/ui';
import { formErrors } from '@/lib/problem';

import { CategoryPicker, type CategorySelection } from './CategoryPicker';
import { type Category, type Product, useCategories } from './hooks';
import { CURRENCIES, parsePrice, priceInput } from './price';

const FIELDS = ['name', 'sku', 'description', 'price_minor', 'currency', 'category_ids', 'primary_category_id'] as const;
type FieldName = (typeof FIELDS)[number];

export interface ProductFormValues {
  name: string;
  sku: string;
  description: string;
  price: string;
  currency: string;
  categories: CategorySelection;
}

export function initialValues(product?: Product): ProductFormValues {
  return {
    name: product?.name ?? '',
    sku: product?.sku ?? '',
    description: product?.description ?? '',
    price: priceInput(product?.price_minor),
    currency: product?.currency ?? 'USD',
    categories: {
      ids: product?.categories.map((c) => c.id) ?? [],
      primary: product?.primary_category_id ?? null,
    },
  };
}

/** Checks what can be checked here; the server checks everything again. */
export function validate(values: ProductFormValues): Partial<Record<FieldName, string>> {
  const errors: Partial<Record<FieldName, string>> = {};
  if (!values.name.trim()) errors.name = 'Give the product a name.';
  if (Number.isNaN(parsePrice(values.price))) errors.price_minor = 'Enter an amount like 1299.00.';
  return errors;
}

/** The request body (create and update take the same fields). */
export function productBody(values: ProductFormValues): CreateProductRequest {
  const price = parsePrice(values.price);
  return {
    name: values.name.trim(),
    sku: values.sku.trim() || null,
    description: values.description.trim(),
    price_minor: price,
    currency: price === null ? null : values.currency,
    category_ids: values.categories.ids,
    primary_category_id: values.categories.primary,
  };
}

interface ProductFormProps {
  product?: Product;
  submitLabel: string;
  pending: boolean;
  /** The last failed submit (a problem from the API), shown next to the fields it names. */
  error: unknown;
  onSubmit: (body: CreateProductRequest) => void;
  onCancel?: () => void;
  /** Categories to offer; loaded here when not given. */
  categories?: Category[];
  readOnly?: boolean;
}

export function ProductForm(props: ProductFormProps) {
  const loaded = useCategories();
  return <ProductFormFields {...props} categories={props.categories ?? loaded.categories} />;
}

function ProductFormFields({
  product,
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
  categories = [],
  readOnly = false,
}: ProductFormProps) {
  const [values, setValues] = useState(() => initialValues(product));
  const [local, setLocal] = useState<Partial<Record<FieldName, string>>>({});
  const server = formErrors(error, FIELDS);
  const fieldError = (name: FieldName) => local[name] ?? server.fields[name];
  const set = <K extends keyof ProductFormValues>(key: K, value: ProductFormValues[K]) =>
    setValues((current) => ({ ...current, [key]: value }));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const problems = validate(values);
    setLocal(problems);
    if (Object.keys(problems).length === 0) onSubmit(productBody(values));
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-label={product ? 'Product details' : 'New product'}>
      <fieldset className="form-fieldset" disabled={pending || readOnly}>
        <TextField
          label="Name"
          name="name"
          required
          maxLength={200}
          value={values.name}
          onChange={(event) => set('name', event.target.value)}
          error={fieldError('name')}
        />
        <div className="form-inline-row">
          <TextField
            className="grow"
            label="SKU"
            name="sku"
            maxLength={100}
            value={values.sku}
            onChange={(event) => set('sku', event.target.value)}
            error={fieldError('sku')}
            hint="Optional: your stock-keeping code."
          />
          <TextField
            label="Price"
            name="price"
            inputMode="decimal"
            placeholder="0.00"
            value={values.price}
            onChange={(event) => set('price', event.target.value)}
            error={fieldError('price_minor')}
          />
          <Field label="Currency" error={fieldError('currency')}>
            {(control) => (
              <Select {...control} name="currency" value={values.currency} onChange={(event) => set('currency', event.target.value)}>
                {CURRENCIES.map((code) => (
                  <option key={code} value={code}>
                    {code}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        </div>
        <Field label="Description" error={fieldError('description')} hint="What the product is made of and how it is used helps the AI stage it.">
          {(control) => (
            <Textarea
              {...control}
              name="description"
              rows={4}
              maxLength={10000}
              value={values.description}
              onChange={(event) => set('description', event.target.value)}
            />
          )}
        </Field>
        <CategoryPicker
          categories={categories}
          value={values.categories}
          onChange={(value) => set('categories', value)}
          error={fieldError('category_ids') ?? fieldError('primary_category_id')}
        />
        <FormError message={server.general} />
        {!readOnly && (
          <div className="form-actions">
            {onCancel && (
              <Button onClick={onCancel} disabled={pending}>
                Cancel
              </Button>
            )}
            <Button type="submit" variant="primary" loading={pending}>
              {submitLabel}
            </Button>
          </div>
        )}
      </fieldset>
    </form>
  );
}
