import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';

import { SparklesIcon } from '@/components/icons';
import { Alert, Button, Card, ErrorState, Field, FormError, LoadingBlock, Textarea } from '@/components/ui';
import { AssetLightbox } from '@/features/assets/AssetLightbox';
import { useAssets } from '@/features/assets/hooks';
import { useSession } from '@/features/auth/session';
import { useCreditBalance } from '@/features/credits/hooks';
import { type Product, primaryImage } from '@/features/products/hooks';
import { cx } from '@/lib/cx';
import { canWrite } from '@/lib/roles';

import { BubbleEditor } from './BubbleEditor';
import { ChoiceGroup } from './ChoiceGroup';
import { CostLine, OutOfCreditsPrompt } from './CostLine';
import { GenerationProgress } from './GenerationProgress';
import { type Generation, type GenerationOptions, useCreditCosts, useGenerationOptions, useStartGeneration } from './hooks';
import { BaseImagePicker, type ReferenceImage, ReferencePicker } from './ImagePickers';
import { OutputSettings } from './OutputSettings';
import { ResultsGallery } from './ResultsGallery';
import {
  defaultChoices,
  MAX_PROMPT,
  productDefaults,
  providerLabel,
  providerProblems,
  quoteCredits,
  requestBody,
  type StudioChoices,
  studioErrors,
} from './studio';

/** The output's shape, fitted in the preview box (260 × 196 px at most). */
function fitFrame(width: number, height: number, maxWidth = 260, maxHeight = 196) {
  const ratio = width / height || 1;
  return ratio >= maxWidth / maxHeight
    ? { width: maxWidth, height: Math.round(maxWidth / ratio) }
    : { width: Math.round(maxHeight * ratio), height: maxHeight };
}

/** The Studio for one product: choose the scene, see the cost, generate, watch each image arrive. */
export function Studio({ product }: { product: Product }) {
  const options = useGenerationOptions();
  if (options.isPending) return <LoadingBlock label="Loading the Studio" />;
  if (options.isError)
    return <ErrorState error={options.error} what="the Studio's options" onRetry={() => void options.refetch()} retrying={options.isFetching} />;
  return <StudioForm key={product.id} product={product} options={options.data} />;
}

function StudioForm({ product, options }: { product: Product; options: GenerationOptions }) {
  const me = useSession();
  const writable = canWrite(me.role);
  const costs = useCreditCosts();
  const balance = useCreditBalance();
  const start = useStartGeneration();
  const [params, setParams] = useSearchParams();
  const jobId = params.get('job');
  const [choices, setChoices] = useState<StudioChoices>(() => defaultChoices(options, product));
  const [references, setReferences] = useState<ReferenceImage[]>([]);
  const [started, setStarted] = useState<Generation | null>(null);
  const [openAsset, setOpenAsset] = useState<string | null>(null);
  const results = useAssets({ product_id: product.id });
  const order = results.data?.pages.flatMap((page) => page.items.map((asset) => asset.id)) ?? [];

  const provider = options.providers.find((p) => p.name === choices.provider);
  const baseImage = product.images.find((image) => image.id === choices.baseImageId) ?? primaryImage(product);
  const update = (changes: Partial<StudioChoices>) => {
    setChoices((current) => ({ ...current, ...changes }));
    if (start.error) start.reset();
  };

  const problems = providerProblems(choices, provider);
  const server = studioErrors(start.error, start.variables?.body?.settings?.bubbles ?? []);
  const errors = { ...server.fields, ...problems };
  const credits = quoteCredits(costs.data, choices.quality, choices.variants);
  const available = balance.data?.available;
  const short = credits !== null && available !== undefined && credits > available;
  const noPhoto = product.images.length === 0;
  const blocked = !writable || noPhoto || product.archived || Object.keys(problems).length > 0 || short;

  const setJob = (id: string | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (id) next.set('job', id);
        else next.delete('job');
        return next;
      },
      { replace: true },
    );

  const generate = () => {
    if (blocked) return;
    const body = requestBody(product.id, { ...choices, baseImageId: baseImage?.id ?? null }, options);
    start.start(body, (generation) => {
      setStarted(generation);
      setJob(generation.job.id);
    });
  };

  const sceneLabel = options.scene_types.find((s) => s.value === choices.sceneType)?.label ?? choices.sceneType;
  const [rw = 1, rh = 1] = choices.aspectRatio.split(':').map(Number);
  const images = `${choices.variants} ${choices.variants === 1 ? 'image' : 'images'}`;

  return (
    <>
      <div className="studio">
        <div className="studio-controls">
          <Card title="Product photo" description="The scene is built around this photo; the product stays exactly as it is.">
            <BaseImagePicker
              product={product}
              value={baseImage?.id ?? null}
              onChange={(baseImageId) => {
                update({ baseImageId, referenceImageIds: choices.referenceImageIds.filter((id) => id !== baseImageId) });
                setReferences((current) => current.filter((ref) => ref.id !== baseImageId));
              }}
              error={errors.base_image}
              disabled={!writable}
            />
          </Card>
          <Card title="Scene" description="Where the product is, and the look of the shot.">
            <div className="stack stack--lg">
              <ChoiceGroup
                legend="Scene type"
                name="scene-type"
                variant="chips"
                value={choices.sceneType}
                onChange={(sceneType) => update({ sceneType })}
                error={errors.scene_type}
                disabled={!writable}
                choices={options.scene_types.map((scene) => ({ value: scene.value, label: scene.label }))}
              />
              <BubbleEditor
                bubbles={options.bubbles}
                values={choices.bubbles}
                onChange={(bubbles) => update({ bubbles })}
                defaults={productDefaults(product.generation_settings).bubbles}
                errors={errors}
                disabled={!writable}
              />
            </div>
          </Card>
          <Card title="Reference images" description="Optional: photos whose look, materials or setting to borrow.">
            <ReferencePicker
              product={product}
              baseImageId={baseImage?.id ?? null}
              selected={references}
              onChange={(selected) => {
                setReferences(selected);
                update({ referenceImageIds: selected.map((ref) => ref.id) });
              }}
              max={provider?.max_reference_images ?? 0}
              providerName={providerLabel(choices.provider)}
              error={errors.reference_images}
              disabled={!writable}
            />
          </Card>
          <Card title="Output">
            <OutputSettings
              options={options}
              provider={provider}
              choices={choices}
              costs={costs.data}
              onChange={update}
              errors={errors}
              disabled={!writable}
            />
          </Card>
          <Card title="Direction" description="Optional: anything the settings above don't say, in your words.">
            <Field
              label="Prompt"
              error={errors.prompt}
              hint={
                <span className={cx('prompt-count', choices.prompt.length > MAX_PROMPT * 0.9 && 'prompt-count--near')}>
                  {choices.prompt.length} / {MAX_PROMPT} characters
                </span>
              }
            >
              {(control) => (
                <Textarea
                  {...control}
                  rows={4}
                  maxLength={MAX_PROMPT}
                  placeholder="e.g. on a sunlit oak floor next to a reading chair, late afternoon"
                  value={choices.prompt}
                  onChange={(event) => update({ prompt: event.target.value.slice(0, MAX_PROMPT) })}
                  disabled={!writable}
                />
              )}
            </Field>
          </Card>
        </div>

        <aside className="studio-side" aria-label="Generate">
          <section className="card studio-summary">
            <div className="studio-frame" aria-hidden="true">
              <div className="studio-frame-shape" style={fitFrame(rw, rh)}>
                {baseImage && <img src={baseImage.preview_url} alt="" />}
                <span className="studio-frame-ratio">{choices.aspectRatio}</span>
              </div>
            </div>
            <p className="studio-summary-line">
              <strong>{sceneLabel}</strong> · {choices.aspectRatio} · {choices.quality.toUpperCase()} · {images}
            </p>
            <CostLine
              id="studio-cost"
              credits={credits}
              balance={balance.data}
              pricing={costs.isPending ? 'loading' : costs.isError ? 'error' : 'ready'}
            />
            {!writable && <p className="muted">Your role can look but not generate. Ask an admin for member access.</p>}
            {product.archived && (
              <Alert tone="warning">
                This product is archived. <Link to={`/products/${product.id}`}>Restore it</Link> to generate images of it.
              </Alert>
            )}
            <Button
              variant="primary"
              className="btn--block studio-generate"
              onClick={generate}
              loading={start.isPending}
              disabled={blocked}
              aria-describedby="studio-cost"
            >
              {!start.isPending && <SparklesIcon />}
              {start.isPending ? 'Starting…' : `Generate ${images}`}
            </Button>
            {Object.keys(problems).length > 0 && <p className="field-error">Fix the highlighted settings to generate.</p>}
            {server.payment && <OutOfCreditsPrompt error={server.payment} />}
            <FormError message={server.general} />
          </section>
          {jobId && (
            <GenerationProgress
              key={jobId}
              jobId={jobId}
              initial={started}
              aspectRatio={start.variables?.body?.settings?.aspect_ratio ?? choices.aspectRatio}
              onOpenAsset={setOpenAsset}
              onDismiss={() => setJob(null)}
              canCancel={writable}
            />
          )}
        </aside>
      </div>

      <Card title="Results" description="Every image made of this product. Open one to compare it with the original." className="studio-results">
        <ResultsGallery productId={product.id} onOpen={setOpenAsset} />
      </Card>

      <AssetLightbox assetId={openAsset} order={order} onNavigate={setOpenAsset} onClose={() => setOpenAsset(null)} />
    </>
  );
}
