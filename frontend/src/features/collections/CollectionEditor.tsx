import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';

import { Button, buttonClass, Card, ErrorState, Field, FormError, LoadingBlock, Textarea, TextField } from '@/components/ui';
import { type Category, useCategories } from '@/features/products/hooks';
import { BubbleEditor } from '@/features/studio/BubbleEditor';
import { ChoiceGroup } from '@/features/studio/ChoiceGroup';
import { type GenerationOptions, useCreditCosts, useGenerationOptions } from '@/features/studio/hooks';
import { OutputSettings } from '@/features/studio/OutputSettings';
import { MAX_PROMPT } from '@/features/studio/studio';
import { cx } from '@/lib/cx';

import {
  type CollectionDraft,
  type CollectionErrors,
  type CollectionLook,
  collectionBody,
  collectionErrors,
  draftOf,
  draftProblems,
  hasErrors,
  MAX_DESCRIPTION,
  MAX_NAME,
  MAX_SECTIONS,
  newSection,
  noErrors,
  type SectionDraft,
} from './collections';
import { type Collection, useSaveCollection } from './hooks';
import { ProductPicker } from './ProductPicker';
import { SectionEditor } from './SectionEditor';

/** Create a collection, or change one: its name, products, shared look and per-category sections. */
export function CollectionEditor({ collection }: { collection?: Collection }) {
  const options = useGenerationOptions();
  const categories = useCategories();
  if (options.isPending || categories.isPending) return <LoadingBlock label="Loading the editor" />;
  if (options.isError)
    return <ErrorState error={options.error} what="the Studio's options" onRetry={() => void options.refetch()} retrying={options.isFetching} />;
  if (categories.isError)
    return <ErrorState error={categories.error} what="categories" onRetry={() => void categories.refetch()} retrying={categories.isFetching} />;
  return <EditorForm key={collection?.id ?? 'new'} collection={collection} options={options.data} categories={categories.categories} />;
}

interface EditorFormProps {
  collection?: Collection;
  options: GenerationOptions;
  categories: Category[];
}

function EditorForm({ collection, options, categories }: EditorFormProps) {
  const navigate = useNavigate();
  const costs = useCreditCosts();
  const save = useSaveCollection(collection?.id ?? null);
  const [draft, setDraft] = useState<CollectionDraft>(() => draftOf(collection));
  // Set by the first Save that found problems; from then on, kept up to date while the person fixes them.
  const [checked, setChecked] = useState<CollectionErrors | null>(null);

  const change = (next: CollectionDraft) => {
    setDraft(next);
    if (checked) setChecked(draftProblems(next));
    if (save.error) save.reset();
  };
  const update = (changes: Partial<CollectionDraft>) => change({ ...draft, ...changes });
  const updateLook = (changes: Partial<CollectionLook>) => update({ look: { ...draft.look, ...changes } });
  const updateSection = (index: number, changes: Partial<SectionDraft>) =>
    update({ sections: draft.sections.map((section, i) => (i === index ? { ...section, ...changes } : section)) });

  const errors = save.error && save.variables ? collectionErrors(save.error, save.variables) : (checked ?? noErrors());
  const placed = hasErrors({ ...errors, general: null });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = draftProblems(draft);
    if (hasErrors(problems)) {
      setChecked(problems);
      return;
    }
    save.mutate(collectionBody(draft, options.bubbles), { onSuccess: (saved) => void navigate(`/studio/collections/${saved.id}`) });
  };

  const look = draft.look;
  const formatSet = Boolean(look.aspectRatio || look.quality);
  const cancelTo = collection ? `/studio/collections/${collection.id}` : '/studio/collections';

  return (
    <form className="collection-form" onSubmit={submit} noValidate aria-label={collection ? `Edit ${collection.name}` : 'New collection'}>
      <Card title="Details">
        <div className="stack">
          <TextField
            label="Name"
            value={draft.name}
            maxLength={MAX_NAME}
            onChange={(event) => update({ name: event.target.value })}
            error={errors.name}
            placeholder="e.g. Autumn living room"
            required
          />
          <Field label="Description (optional)" error={errors.description}>
            {(control) => (
              <Textarea
                {...control}
                rows={2}
                maxLength={MAX_DESCRIPTION}
                value={draft.description}
                onChange={(event) => update({ description: event.target.value })}
                placeholder="What the collection is for: a season, a campaign, a catalog page"
              />
            )}
          </Field>
        </div>
      </Card>

      <Card title="Products" description="Each product gets its images from the shared look below, plus any section it belongs to.">
        <ProductPicker value={draft.productIds} onChange={(productIds) => update({ productIds })} error={errors.products} />
      </Card>

      <Card title="Shared look" description="Every product of the collection gets these. What you leave empty comes from each product's own settings.">
        <div className="stack stack--lg">
          <ChoiceGroup
            legend="Scene type"
            name="collection-scene-type"
            variant="chips"
            value={look.sceneType}
            onChange={(sceneType) => updateLook({ sceneType })}
            error={errors.look.scene_type}
            choices={[{ value: '', label: "Each product's own" }, ...options.scene_types.map((scene) => ({ value: scene.value, label: scene.label }))]}
          />
          <BubbleEditor bubbles={options.bubbles} values={look.bubbles} onChange={(bubbles) => updateLook({ bubbles })} errors={errors.look} />
          <div>
            <OutputSettings
              options={options}
              provider={undefined}
              choices={{ provider: options.default_provider, aspectRatio: look.aspectRatio, quality: look.quality, variants: 1 }}
              costs={costs.data}
              onChange={(changes) => updateLook({ aspectRatio: changes.aspectRatio ?? look.aspectRatio, quality: changes.quality ?? look.quality })}
              errors={errors.look}
              parts={['format']}
            />
            <p className="field-hint collection-format-hint">
              {formatSet
                ? `${look.aspectRatio ? `Every image ${look.aspectRatio}` : "Each product's own aspect ratio"}, ${look.quality ? look.quality.toUpperCase() : "each product's own quality"}. `
                : "Not set: each product's own aspect ratio and quality (1:1 and 1K when it has none). "}
              {formatSet && (
                <button type="button" className="bubble-clear" onClick={() => updateLook({ aspectRatio: '', quality: '' })}>
                  Use each product's own
                </button>
              )}
            </p>
          </div>
          <Field
            label="Prompt (optional)"
            error={errors.look.prompt}
            hint={
              <span className={cx('prompt-count', look.prompt.length > MAX_PROMPT * 0.9 && 'prompt-count--near')}>
                {look.prompt.length} / {MAX_PROMPT} characters
              </span>
            }
          >
            {(control) => (
              <Textarea
                {...control}
                rows={3}
                maxLength={MAX_PROMPT}
                placeholder="e.g. warm autumn afternoon, a knitted throw nearby"
                value={look.prompt}
                onChange={(event) => updateLook({ prompt: event.target.value.slice(0, MAX_PROMPT) })}
              />
            )}
          </Field>
        </div>
      </Card>

      <Card
        title="Sections"
        description="Optional: a different look for the products of some categories (and scene types), on top of the shared one. Later sections win."
        actions={
          <Button
            size="sm"
            onClick={() => update({ sections: [...draft.sections, newSection(draft.sections.length)] })}
            disabled={draft.sections.length >= MAX_SECTIONS}
          >
            Add a section
          </Button>
        }
      >
        {draft.sections.length === 0 ? (
          <p className="muted">No sections: every product gets the shared look.</p>
        ) : (
          <div className="stack stack--lg">
            {draft.sections.map((section, index) => (
              <SectionEditor
                key={section.key}
                section={section}
                index={index}
                options={options}
                categories={categories}
                shared={look.bubbles}
                onChange={(changes) => updateSection(index, changes)}
                onRemove={() => update({ sections: draft.sections.filter((_, i) => i !== index) })}
                errors={errors.section[index]}
              />
            ))}
          </div>
        )}
        {draft.sections.length >= MAX_SECTIONS && <p className="field-hint">That is the most a collection holds ({MAX_SECTIONS}).</p>}
        {errors.sections && <p className="field-error">{errors.sections}</p>}
      </Card>

      <div className="collection-form-actions">
        {placed && <p className="field-error">Fix the highlighted fields to save.</p>}
        <FormError message={errors.general} />
        <div className="button-row button-row--end">
          <Link to={cancelTo} className={buttonClass('secondary')}>
            Cancel
          </Link>
          <Button type="submit" variant="primary" loading={save.isPending}>
            {collection ? 'Save changes' : 'Create collection'}
          </Button>
        </div>
      </div>
    </form>
  );
}
