import { type FormEvent, useState } from 'react';

import type { CreateCategoryRequest } from '@/client/types.gen';
import {
  Button,
  Card,
  ConfirmDialog,
  Dialog,
  EmptyState,
  ErrorState,
  Field,
  FormError,
  LoadingBlock,
  SelectField,
  Table,
  Textarea,
  TextField,
} from '@/components/ui';
import { formErrors, parseError } from '@/lib/problem';

import { type Category, useCategories, useCreateCategory, useDeleteCategory, useUpdateCategory } from './hooks';

/** Categories in tree order (parents before their children), each with its depth. */
export function categoryTree(categories: Category[]): Array<{ category: Category; depth: number }> {
  const ids = new Set(categories.map((c) => c.id));
  const children = new Map<string | null, Category[]>();
  for (const category of categories) {
    const parent = category.parent_id && ids.has(category.parent_id) ? category.parent_id : null;
    children.set(parent, [...(children.get(parent) ?? []), category]);
  }
  const out: Array<{ category: Category; depth: number }> = [];
  const seen = new Set<string>();
  const walk = (parent: string | null, depth: number) => {
    for (const category of children.get(parent) ?? []) {
      if (seen.has(category.id)) continue;
      seen.add(category.id);
      out.push({ category, depth });
      walk(category.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/** A category and everything under it: none of them can become its parent. */
function descendantsOf(categories: Category[], id: string): Set<string> {
  const result = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const c of categories) {
      if (c.parent_id && result.has(c.parent_id) && !result.has(c.id)) {
        result.add(c.id);
        grew = true;
      }
    }
  }
  return result;
}

const FIELDS = ['name', 'slug', 'parent_id', 'description', 'generation_settings'] as const;

interface CategoryFormProps {
  category?: Category;
  categories: Category[];
  pending: boolean;
  error: unknown;
  submitLabel: string;
  onSubmit: (body: CreateCategoryRequest) => void;
  onCancel?: () => void;
}

export function CategoryForm({ category, categories, pending, error, submitLabel, onSubmit, onCancel }: CategoryFormProps) {
  const [name, setName] = useState(category?.name ?? '');
  const [slug, setSlug] = useState(category?.slug ?? '');
  const [parentId, setParentId] = useState(category?.parent_id ?? '');
  const [description, setDescription] = useState(category?.description ?? '');
  const [settings, setSettings] = useState(
    category && Object.keys(category.generation_settings).length > 0 ? JSON.stringify(category.generation_settings, null, 2) : '',
  );
  const [settingsError, setSettingsError] = useState<string | null>(null);
  const errors = formErrors(error, FIELDS);
  const excluded = category ? descendantsOf(categories, category.id) : new Set<string>();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    let generation_settings: Record<string, unknown> = {};
    if (settings.trim()) {
      try {
        const parsed: unknown = JSON.parse(settings);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
        generation_settings = parsed as Record<string, unknown>;
      } catch {
        setSettingsError('Enter a JSON object, like {"style": "Scandinavian"}.');
        return;
      }
    }
    setSettingsError(null);
    onSubmit({
      name: name.trim(),
      slug: slug.trim() || null,
      parent_id: parentId || null,
      description: description.trim(),
      generation_settings,
    });
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-label={category ? 'Edit category' : 'New category'}>
      <fieldset className="form-fieldset" disabled={pending}>
        <div className="form-inline-row">
          <TextField
            className="grow"
            label="Name"
            name="name"
            required
            maxLength={120}
            value={name}
            onChange={(event) => setName(event.target.value)}
            error={errors.fields.name}
          />
          <TextField
            className="grow"
            label="Slug"
            name="slug"
            maxLength={120}
            placeholder="made from the name"
            value={slug}
            onChange={(event) => setSlug(event.target.value)}
            error={errors.fields.slug}
            hint="Lowercase letters, digits and dashes."
          />
          <SelectField
            label="Parent"
            name="parent_id"
            value={parentId}
            onChange={(event) => setParentId(event.target.value)}
            error={errors.fields.parent_id}
          >
            <option value="">None (top level)</option>
            {categoryTree(categories)
              .filter(({ category: c }) => !excluded.has(c.id))
              .map(({ category: c, depth }) => (
                <option key={c.id} value={c.id}>
                  {'\u00a0\u00a0'.repeat(depth)}
                  {c.name}
                </option>
              ))}
          </SelectField>
        </div>
        {category && (
          <>
            <Field label="Description" error={errors.fields.description}>
              {(control) => (
                <Textarea {...control} rows={2} value={description} onChange={(event) => setDescription(event.target.value)} />
              )}
            </Field>
            <Field
              label="Generation settings (JSON)"
              error={settingsError ?? errors.fields.generation_settings}
              hint="Defaults for products in this category, such as style or lighting."
            >
              {(control) => (
                <Textarea
                  {...control}
                  className="code-input"
                  rows={5}
                  spellCheck={false}
                  value={settings}
                  onChange={(event) => setSettings(event.target.value)}
                />
              )}
            </Field>
          </>
        )}
        <FormError message={errors.general} />
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
      </fieldset>
    </form>
  );
}

export function CategoriesPanel({ writable }: { writable: boolean }) {
  const { categories, ...query } = useCategories();
  const create = useCreateCategory();
  const update = useUpdateCategory();
  const remove = useDeleteCategory();
  const [editing, setEditing] = useState<Category | null>(null);
  const [deleting, setDeleting] = useState<Category | null>(null);
  const [formKey, setFormKey] = useState(0);
  const names = new Map(categories.map((c) => [c.id, c.name]));

  let list;
  if (query.isPending) list = <LoadingBlock label="Loading categories" />;
  else if (query.isError) list = <ErrorState error={query.error} what="categories" onRetry={() => void query.refetch()} />;
  else if (categories.length === 0)
    list = <EmptyState title="No categories yet" description="Group products (Seating, Lighting, …) to share generation settings." />;
  else
    list = (
      <Table
        caption="Categories"
        head={
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Slug</th>
            <th scope="col">Parent</th>
            <th scope="col">Products</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        }
      >
        {categoryTree(categories).map(({ category, depth }) => (
          <tr key={category.id}>
            <td>
              <span className="cell-primary" style={{ paddingLeft: depth * 18 }}>
                {category.name}
              </span>
            </td>
            <td className="cell-nowrap">
              <code>{category.slug}</code>
            </td>
            <td>{category.parent_id ? (names.get(category.parent_id) ?? '—') : '—'}</td>
            <td>{category.product_count}</td>
            <td className="cell-actions">
              {writable && (
                <span className="button-row">
                  <Button size="sm" variant="ghost" onClick={() => setEditing(category)} aria-label={`Edit ${category.name}`}>
                    Edit
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => setDeleting(category)} aria-label={`Delete ${category.name}`}>
                    Delete
                  </Button>
                </span>
              )}
            </td>
          </tr>
        ))}
      </Table>
    );

  return (
    <div className="stack stack--lg">
      {writable && (
        <Card title="New category">
          <CategoryForm
            key={formKey}
            categories={categories}
            pending={create.isPending}
            error={create.error}
            submitLabel="Add category"
            onSubmit={(body) =>
              create.mutate(
                { body },
                {
                  onSuccess: () => {
                    create.reset();
                    setFormKey((k) => k + 1);
                  },
                },
              )
            }
          />
        </Card>
      )}
      <Card title="Categories" description="Parents group their subcategories; a product's primary category sets its defaults.">
        {list}
      </Card>
      <Dialog
        open={editing !== null}
        title={`Edit ${editing?.name ?? 'category'}`}
        onClose={() => {
          setEditing(null);
          update.reset();
        }}
        dismissible={!update.isPending}
      >
        {editing && (
          <CategoryForm
            category={editing}
            categories={categories}
            pending={update.isPending}
            error={update.error}
            submitLabel="Save"
            onCancel={() => {
              setEditing(null);
              update.reset();
            }}
            onSubmit={(body) =>
              update.mutate(
                { path: { category_id: editing.id }, body },
                {
                  onSuccess: () => {
                    setEditing(null);
                    update.reset();
                  },
                },
              )
            }
          />
        )}
      </Dialog>
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting?.name ?? 'category'}?`}
        description="Its products stay (they lose this category), and its subcategories move to the top level."
        confirmLabel="Delete category"
        pending={remove.isPending}
        error={remove.isError ? parseError(remove.error).message : null}
        onCancel={() => {
          setDeleting(null);
          remove.reset();
        }}
        onConfirm={() => {
          if (!deleting) return;
          remove.mutate(
            { path: { category_id: deleting.id } },
            {
              onSuccess: () => {
                setDeleting(null);
                remove.reset();
              },
            },
          );
        }}
      />
    </div>
  );
}
