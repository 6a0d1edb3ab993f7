import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';

import { getGenerationOptions, getProductOptions } from '@/client/@tanstack/react-query.gen';
import { SparklesIcon } from '@/components/icons';
import { Alert, Button, Card, EmptyState, ErrorState, Field, FormError, LoadingBlock, Textarea } from '@/components/ui';
import { AssetGrid, useAssetNames } from '@/features/assets/AssetGrid';
import { type Asset, useAsset, useAssets } from '@/features/assets/hooks';
import { useSession } from '@/features/auth/session';
import { useCreditBalance } from '@/features/credits/hooks';
import { primaryImage } from '@/features/products/hooks';
import { CostLine, OutOfCreditsPrompt } from '@/features/studio/CostLine';
import { GenerationProgress } from '@/features/studio/GenerationProgress';
import { type Generation, type GenerationOptions, useCreditCosts, useGenerationOptions, useStartGeneration } from '@/features/studio/hooks';
import { cx } from '@/lib/cx';
import { errorStatus } from '@/lib/problem';
import { canWrite } from '@/lib/roles';

import { FilmIcon } from './icons';
import { MotionPresets, MotionPreview } from './MotionPresets';
import { SourcePicker } from './SourcePicker';
import { defaultVideoChoices, MAX_PROMPT, motionName, type VideoChoices, videoErrors, videoProblems, videoProviderOf, videoQuote, videoRequestBody } from './video';
import { VideoAssetView } from './VideoAssetView';
import { VideoOutput } from './VideoOutput';

import './video.css';

/** The clip's shape, fitted in the preview box (260 × 196 px at most). */
function fitFrame(ratio: string, maxWidth = 260, maxHeight = 196) {
  const [w = 1, h = 1] = ratio.split(':').map(Number);
  const value = w / h || 1;
  return value >= maxWidth / maxHeight ? { width: maxWidth, height: Math.round(maxWidth / value) } : { width: Math.round(maxHeight * value), height: maxHeight };
}

/** The video Studio: a still, a camera motion and the clip's format; the cost; Generate; the clip to watch and edit. */
export function VideoStudio() {
  const options = useGenerationOptions();
  if (options.isPending) return <LoadingBlock label="Loading the Studio" />;
  if (options.isError)
    return <ErrorState error={options.error} what="the Studio's options" onRetry={() => void options.refetch()} retrying={options.isFetching} />;
  if (options.data.video.providers.length === 0)
    return (
      <div className="card">
        <EmptyState icon={<FilmIcon />} title="No video provider is set up" description="None of the providers configured for this workspace makes videos. Contact support." />
      </div>
    );
  return <VideoStudioForm options={options.data} />;
}

function VideoStudioForm({ options }: { options: GenerationOptions }) {
  const me = useSession();
  const writable = canWrite(me.role);
  const costs = useCreditCosts();
  const balance = useCreditBalance();
  const start = useStartGeneration();
  const [params, setParams] = useSearchParams();
  const jobId = params.get('job');
  const clipId = params.get('clip');
  const [choices, setChoices] = useState<VideoChoices>(() => defaultVideoChoices(options, { productId: params.get('product'), assetId: params.get('asset') }));
  const [started, setStarted] = useState<Generation | null>(null);
  const clipCard = useRef<HTMLElement>(null);

  const setParam = (changes: Record<string, string | null>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [name, value] of Object.entries(changes)) {
          if (value) next.set(name, value);
          else next.delete(name);
        }
        return next;
      },
      { replace: true },
    );

  const update = (changes: Partial<VideoChoices>) => {
    const next = { ...choices, ...changes };
    setChoices(next);
    if (start.error) start.reset();
    // The chosen source stays in the address, so a reload or a shared link opens the same still.
    if ('productId' in changes || 'assetId' in changes || 'source' in changes)
      setParam({ product: next.source === 'product' ? next.productId : null, asset: next.source === 'asset' ? next.assetId : null });
  };

  const product = useQuery({
    ...getProductOptions({ path: { product_id: choices.productId ?? '' } }),
    enabled: choices.source === 'product' && Boolean(choices.productId),
  });
  const sourceAsset = useAsset(choices.source === 'asset' ? choices.assetId : null);
  const productData = choices.source === 'product' && choices.productId ? product.data : undefined;
  const photo = productData ? (productData.images.find((image) => image.id === choices.baseImageId) ?? primaryImage(productData)) : undefined;
  const still = choices.source === 'product' ? (photo?.preview_url ?? null) : (sourceAsset.data?.preview_url ?? null);

  const provider = videoProviderOf(options, choices.provider);
  const problems = videoProblems(choices, provider);
  if (productData && productData.images.length === 0) problems.source = 'This product has no photo yet: add one, or choose another product.';
  const server = videoErrors(start.error);
  const errors = { ...server.fields, ...problems };
  const credits = videoQuote(costs.data, choices.resolution, choices.variants);
  const available = balance.data?.available;
  const short = credits !== null && available !== undefined && credits > available;
  const archived = productData?.archived === true;
  const blocked = !writable || archived || Object.keys(problems).length > 0 || short;

  // The first clip a generation delivers is opened below to be watched and edited (unless one was open already).
  const generation = useQuery({ ...getGenerationOptions({ path: { job_id: jobId ?? '' } }), enabled: false });
  const firstClip = generation.data?.items.find((item) => item.status === 'succeeded' && item.asset_id)?.asset_id ?? null;
  const openedFor = useRef<string | null>(clipId ? jobId : null);
  useEffect(() => {
    if (!firstClip || !jobId || openedFor.current === jobId) return;
    openedFor.current = jobId;
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.set('clip', firstClip);
        return next;
      },
      { replace: true },
    );
  }, [firstClip, jobId, setParams]);

  const openClip = (assetId: string) => {
    setParam({ clip: assetId });
    clipCard.current?.scrollIntoView?.({ block: 'start', behavior: 'smooth' });
  };

  const generate = () => {
    if (blocked) return;
    start.start(videoRequestBody(choices), (made) => {
      setStarted(made);
      openedFor.current = null;
      setParam({ job: made.job.id });
    });
  };

  const motion = options.video.camera_motions.find((m) => m.value === choices.cameraMotion);
  const clips = `${choices.variants} ${choices.variants === 1 ? 'clip' : 'clips'}`;
  const { source: sourceProblem, ...settingProblems } = problems;

  return (
    <>
      <div className="studio">
        <div className="studio-controls">
          <Card title="Source image" description="The clip starts from this still; the camera moves around it.">
            <SourcePicker
              choices={choices}
              onChange={update}
              error={server.fields.source}
              disabled={!writable}
            />
          </Card>
          <Card title="Motion" description="How the camera moves. Each preview acts it out on your still.">
            <MotionPresets
              motions={options.video.camera_motions}
              value={choices.cameraMotion}
              onChange={(cameraMotion) => update({ cameraMotion })}
              provider={provider}
              still={still}
              error={errors.camera_motion}
              disabled={!writable}
            />
          </Card>
          <Card title="Output">
            <VideoOutput
              video={options.video}
              defaultProvider={options.default_provider}
              provider={provider}
              choices={choices}
              costs={costs.data}
              maxClips={options.max_variants}
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
                  rows={3}
                  maxLength={MAX_PROMPT}
                  placeholder="e.g. soft morning light drifting across the table"
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
              <MotionPreview className="video-frame" style={fitFrame(choices.aspectRatio)} motion={choices.cameraMotion} still={still} seconds={choices.durationS} />
            </div>
            <p className="studio-summary-line">
              <strong>{motion ? motionName(motion.label) : choices.cameraMotion}</strong> · {choices.aspectRatio} · {choices.resolution} · {choices.durationS} s ·{' '}
              {choices.fps} fps · {clips}
            </p>
            <CostLine
              id="video-cost"
              credits={credits}
              balance={balance.data}
              pricing={costs.isPending ? 'loading' : costs.isError ? 'error' : 'ready'}
              cheaper="ask for fewer clips, or 720p"
            />
            {!writable && <p className="muted">Your role can look but not generate. Ask an admin for member access.</p>}
            {archived && productData && (
              <Alert tone="warning">
                This product is archived. <Link to={`/products/${productData.id}`}>Restore it</Link> to animate it.
              </Alert>
            )}
            <Button variant="primary" className="btn--block studio-generate" onClick={generate} loading={start.isPending} disabled={blocked} aria-describedby="video-cost">
              {!start.isPending && <SparklesIcon />}
              {start.isPending ? 'Starting…' : `Generate ${clips}`}
            </Button>
            {sourceProblem && <p className="muted">{sourceProblem}</p>}
            {Object.keys(settingProblems).length > 0 && <p className="field-error">Fix the highlighted settings to generate.</p>}
            {server.payment && <OutOfCreditsPrompt error={server.payment} />}
            <FormError message={server.general} />
          </section>
          {jobId && (
            <GenerationProgress
              key={jobId}
              jobId={jobId}
              initial={started}
              aspectRatio={start.variables?.body?.settings?.aspect_ratio ?? choices.aspectRatio}
              onOpenAsset={openClip}
              onDismiss={() => setParam({ job: null })}
              canCancel={writable}
              noun="clip"
            />
          )}
        </aside>
      </div>

      <section ref={clipCard} className="card video-clip-card" aria-label="Clip">
        {clipId ? (
          <OpenClip clipId={clipId} writable={writable} onOpen={(assetId) => setParam({ clip: assetId })} onClose={() => setParam({ clip: null })} />
        ) : (
          <EmptyState icon={<FilmIcon />} title="No clip open" description="Generate one, or open one of your clips below to watch, trim or reframe it." />
        )}
      </section>

      <Card
        title={productData ? `Clips of ${productData.name}` : 'Your clips'}
        description="Every clip made here, newest first. Open one to watch and edit it."
        className="studio-results"
      >
        <ClipResults productId={choices.source === 'product' ? choices.productId : null} onOpen={openClip} />
      </Card>
    </>
  );
}

function OpenClip({ clipId, writable, onOpen, onClose }: { clipId: string; writable: boolean; onOpen: (assetId: string) => void; onClose: () => void }) {
  const asset = useAsset(clipId);
  const nameOf = useAssetNames();
  if (asset.isPending) return <LoadingBlock label="Loading the clip" />;
  if (asset.isError) {
    if (errorStatus(asset.error) === 404 || errorStatus(asset.error) === 422)
      return <EmptyState title="Clip not found" description="It may have been deleted for good." action={<Button onClick={onClose}>Close</Button>} />;
    return <ErrorState error={asset.error} what="the clip" onRetry={() => void asset.refetch()} retrying={asset.isFetching} />;
  }
  const clip: Asset = asset.data;
  if (clip.type !== 'video') return <EmptyState title="That is an image" description="Open it from the Assets page." action={<Button onClick={onClose}>Close</Button>} />;
  return (
    <>
      <header className="card-header">
        <div>
          <h2 className="card-title">Clip</h2>
          <p className="card-description">{nameOf(clip)}</p>
        </div>
        <div className="card-actions">
          <Button size="sm" variant="ghost" onClick={onClose}>
            Close
          </Button>
        </div>
      </header>
      <VideoAssetView asset={clip} label={nameOf(clip)} writable={writable} onOpen={onOpen} showRevisions />
    </>
  );
}

function ClipResults({ productId, onOpen }: { productId: string | null; onOpen: (assetId: string) => void }) {
  const assets = useAssets(productId ? { type: 'video', product_id: productId } : { type: 'video' });
  const rows = assets.data?.pages.flatMap((page) => page.items) ?? [];
  if (assets.isPending) return <LoadingBlock label="Loading clips" />;
  if (assets.isError) return <ErrorState error={assets.error} what="your clips" onRetry={() => void assets.refetch()} retrying={assets.isFetching} />;
  if (rows.length === 0)
    return <EmptyState icon={<FilmIcon />} title="No clips yet" description="Choose a still and a motion above and generate: your clips collect here." />;
  return (
    <>
      <AssetGrid assets={rows} onOpen={onOpen} label="Clips" />
      {assets.hasNextPage && (
        <div className="list-more">
          <Button onClick={() => void assets.fetchNextPage()} loading={assets.isFetchingNextPage}>
            Load more
          </Button>
        </div>
      )}
    </>
  );
}
