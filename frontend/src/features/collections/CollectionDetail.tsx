import { useQueryClient } from '@tanstack/react-query';
import { type CSSProperties, useId, useState } from 'react';
import { Link } from 'react-router';

import type { ApiCreditsSchemasCostLineOut, FlowOut, GenerateRequest } from '@/client/types.gen';
import { SparklesIcon } from '@/components/icons';
import { Badge, Button, Card, EmptyState, ErrorState, FormError, LoadingBlock, Spinner } from '@/components/ui';
import { AssetLightbox } from '@/features/assets/AssetLightbox';
import { useSession } from '@/features/auth/session';
import { creditsLabel, useCreditBalance } from '@/features/credits/hooks';
import { primaryImage, type ProductLookup, useProductsById } from '@/features/products/hooks';
import { PhotoIcon } from '@/features/products/icons';
import { isFinished, useCancelJob } from '@/features/stores/hooks';
import { CostLine, OutOfCreditsPrompt } from '@/features/studio/CostLine';
import { ProgressTile } from '@/features/studio/GenerationProgress';
import { type Generation, type GenerationOptions, itemError, useGeneration, useGenerationOptions, useStartGeneration } from '@/features/studio/hooks';
import { OutputSettings } from '@/features/studio/OutputSettings';
import { studioErrors } from '@/features/studio/studio';
import { formatDateTime } from '@/lib/format';
import { parseError } from '@/lib/problem';
import { canWrite } from '@/lib/roles';

import { lookOf, type ProductRun, productRuns, RUN_STATUS } from './collections';
import { type Collection, invalidateCollections, useCollectionQuote } from './hooks';
import { LookSummary } from './LookSummary';

const plural = (count: number, one: string, many = `${one}s`) => `${count.toLocaleString()} ${count === 1 ? one : many}`;

function ratioStyle(ratio: string): CSSProperties {
  const [w, h] = ratio.split(':').map(Number);
  return w && h ? { aspectRatio: `${w} / ${h}` } : { aspectRatio: '1 / 1' };
}

/** A collection: its products and how each fared in the last run, its look, and Generate with the cost first. */
export function CollectionDetail({ collection }: { collection: Collection }) {
  const options = useGenerationOptions();
  if (options.isPending) return <LoadingBlock label="Loading the Studio" />;
  if (options.isError)
    return <ErrorState error={options.error} what="the Studio's options" onRetry={() => void options.refetch()} retrying={options.isFetching} />;
  return <CollectionStudio collection={collection} options={options.data} />;
}

function CollectionStudio({ collection, options }: { collection: Collection; options: GenerationOptions }) {
  const me = useSession();
  const writable = canWrite(me.role);
  const queryClient = useQueryClient();
  const balance = useCreditBalance();
  const start = useStartGeneration();
  const [provider, setProvider] = useState(options.default_provider);
  const [variants, setVariants] = useState(1);
  const [started, setStarted] = useState<Generation | null>(null);
  const [openAsset, setOpenAsset] = useState<string | null>(null);

  const flows = collection.flows;
  const findProduct = useProductsById(flows.map((flow) => flow.product_id));
  const body: GenerateRequest = { collection_id: collection.id, variants, provider };
  const quote = useCollectionQuote(body, collection.updated_at, writable && flows.length > 0);
  const jobId = started?.job.id ?? collection.last_job_id;
  const generation = useGeneration(jobId);
  const run = generation.data ?? (started?.job.id === jobId ? started : undefined);
  const runs = productRuns(run?.items ?? []);
  const running = run !== undefined && !isFinished(run.job.status);
  const order = flows.flatMap((flow) => runs.get(flow.product_id)?.items.flatMap((item) => (item.status === 'succeeded' && item.asset_id ? [item.asset_id] : [])) ?? []);
  // The quote prices each product in the order of the collection's flows (api/generation/service.py).
  const lines = quote.data?.breakdown.length === flows.length ? quote.data.breakdown : [];

  const server = studioErrors(start.error);
  const refusal = quote.isError && parseError(quote.error).status === 422 ? parseError(quote.error).message : null;
  const credits = quote.data?.credits ?? null;
  const available = balance.data?.available;
  const short = credits !== null && available !== undefined && credits > available;
  const blocked = !writable || flows.length === 0 || refusal !== null || short || running;
  const images = plural(flows.length * variants, 'image');

  const change = (changes: { provider?: string; variants?: number }) => {
    if (changes.provider !== undefined) setProvider(changes.provider);
    if (changes.variants !== undefined) setVariants(changes.variants);
    if (start.error) start.reset();
  };
  const generate = () => {
    if (blocked) return;
    start.start(body, (generation) => {
      setStarted(generation);
      void invalidateCollections(queryClient);
    });
  };
  // Provider and image-count refusals show at their controls; anything else (a product without a photo) by the button.
  const elsewhere = Object.entries(server.fields).flatMap(([field, message]) => (field === 'provider' || field === 'variants' ? [] : [message]));
  const general = [server.general, ...elsewhere].filter(Boolean).join(' ') || null;
  const aspectRatio = lookOf(collection.settings).aspectRatio || '1:1';

  return (
    <>
      <div className="studio">
        <div className="studio-controls">
          <Card
            title="Products"
            description={
              run
                ? `How each product fared in the run of ${formatDateTime(run.job.created_at)}.`
                : 'Each product gets the shared look, plus the sections it belongs to.'
            }
            actions={
              order.length > 0 ? (
                <Link to={`/assets?collection=${collection.id}`} className="card-link">
                  All images in Assets
                </Link>
              ) : undefined
            }
          >
            {flows.length === 0 ? (
              <EmptyState
                title="No products in this collection yet"
                description="Add products to generate their images together."
                action={writable ? <Link to={`/studio/collections/${collection.id}/edit`}>Add products</Link> : undefined}
              />
            ) : (
              <ul className="collection-products" aria-label="Products in this collection">
                {flows.map((flow, index) => (
                  <ProductRow
                    key={flow.id}
                    flow={flow}
                    lookup={findProduct(flow.product_id)}
                    run={runs.get(flow.product_id)}
                    ran={run !== undefined}
                    line={lines[index]}
                    aspectRatio={aspectRatio}
                    onOpen={setOpenAsset}
                  />
                ))}
              </ul>
            )}
          </Card>
          <Card title="Look" actions={writable ? <Link to={`/studio/collections/${collection.id}/edit`}>Edit</Link> : undefined}>
            <LookSummary collection={collection} options={options} />
          </Card>
        </div>

        <aside className="studio-side" aria-label="Generate">
          <section className="card studio-summary">
            <p className="studio-summary-line">
              <strong>{plural(flows.length, 'product')}</strong> × {plural(variants, 'image')} each
            </p>
            <OutputSettings
              options={options}
              provider={options.providers.find((p) => p.name === provider)}
              choices={{ provider, variants, aspectRatio: '', quality: '' }}
              costs={undefined}
              onChange={change}
              errors={server.fields}
              disabled={!writable || running}
              parts={['provider', 'variants']}
            />
            {writable && flows.length > 0 && (
              refusal ? (
                <div id="collection-cost" className="cost-line cost-line--short" role="status">
                  <p>
                    <strong>Can't generate yet:</strong> {refusal}
                  </p>
                  <p className="cost-line-actions">
                    <Link to={`/studio/collections/${collection.id}/edit`}>Edit the collection</Link> or choose another provider.
                  </p>
                </div>
              ) : (
                <CostLine id="collection-cost" credits={credits} balance={balance.data} pricing={quote.isPending ? 'loading' : quote.isError ? 'error' : 'ready'} />
              )
            )}
            {!writable && <p className="muted">Your role can look but not generate. Ask an admin for member access.</p>}
            <Button
              variant="primary"
              className="btn--block studio-generate"
              onClick={generate}
              loading={start.isPending}
              disabled={blocked}
              aria-describedby="collection-cost"
            >
              {!start.isPending && <SparklesIcon />}
              {start.isPending ? 'Starting…' : `Generate ${images}`}
            </Button>
            {running && <p className="muted">This collection is being generated. Wait for the run to finish, or stop it.</p>}
            {server.payment && <OutOfCreditsPrompt error={server.payment} />}
            <FormError message={general} />
          </section>
          {jobId && (
            <RunSummary
              key={jobId}
              run={run}
              error={generation.isError && !run ? generation.error : null}
              onRetry={() => void generation.refetch()}
              canCancel={writable}
              collectionId={collection.id}
            />
          )}
        </aside>
      </div>
      <AssetLightbox assetId={openAsset} order={order} onNavigate={setOpenAsset} onClose={() => setOpenAsset(null)} />
    </>
  );
}

interface ProductRowProps {
  flow: FlowOut;
  lookup: ProductLookup;
  run: ProductRun | undefined;
  /** Whether the collection was generated at all (a product added since has no run of its own). */
  ran: boolean;
  line: ApiCreditsSchemasCostLineOut | undefined;
  aspectRatio: string;
  onOpen: (assetId: string) => void;
}

/** One product: its photo and name, where it stands in the run (with the reason when it failed), its images. */
function ProductRow({ flow, lookup, run, ran, line, aspectRatio, onOpen }: ProductRowProps) {
  const id = useId();
  const data = lookup.product;
  const name = data?.name ?? flow.name;
  const image = data ? primaryImage(data) : undefined;
  const status = run ? RUN_STATUS[run.status] : null;
  const failed = run?.items.find((item) => item.status === 'failed' || item.status === 'canceled');

  let detail: string;
  if (!run) detail = ran ? 'Not in the last run: added since.' : 'Not generated yet.';
  else if (run.status === 'queued') detail = `${plural(run.items.length, 'image')} waiting to start`;
  else if (run.status === 'running') detail = `${run.delivered} of ${plural(run.items.length, 'image')} ready…`;
  else if (run.status === 'delivered') detail = `${plural(run.delivered, 'image')} delivered`;
  else if (run.status === 'partial') detail = `${run.delivered} of ${plural(run.items.length, 'image')} delivered. ${failed ? itemError(failed) : ''}`;
  else detail = failed ? itemError(failed) : 'No image could be made.';

  return (
    <li className="collection-product" aria-labelledby={`${id}-name`}>
      <span className="thumb">{image ? <img src={image.preview_url} alt="" loading="lazy" /> : lookup.pending ? <Spinner size="sm" /> : <PhotoIcon aria-hidden="true" />}</span>
      <div className="collection-product-body">
        <p className="collection-product-head">
          <Link id={`${id}-name`} to={`/products/${flow.product_id}`} className="collection-product-name">
            {name}
          </Link>
          {status && <Badge tone={status.tone}>{status.label}</Badge>}
          {line && <span className="collection-product-cost">{`${line.variant ? `${line.variant.toUpperCase()} · ` : ''}${creditsLabel(line.credits)}`}</span>}
        </p>
        <p className={run && (run.status === 'failed' || run.status === 'partial') ? 'collection-product-error' : 'collection-product-detail'}>{detail}</p>
        {data && data.images.length === 0 && (
          <p className="collection-product-error">
            No photo yet: <Link to={`/products/${data.id}`}>add one</Link> before generating.
          </p>
        )}
        {data?.archived && <p className="collection-product-error">Archived: restore it to generate images of it.</p>}
        {lookup.missing && <p className="collection-product-error">This product is gone. Remove it from the collection to generate.</p>}
        {run && (
          <ol className="collection-product-tiles" aria-label={`Images of ${name}`}>
            {run.items.map((item) => (
              <ProgressTile key={item.id} item={{ ...item, position: item.variant }} total={run.items.length} style={ratioStyle(aspectRatio)} onOpen={onOpen} />
            ))}
          </ol>
        )}
      </div>
    </li>
  );
}

interface RunSummaryProps {
  run: Generation | undefined;
  error: unknown;
  onRetry: () => void;
  canCancel: boolean;
  collectionId: string;
}

/** The run as a whole: how far it got, what it used and returned, and Stop while it goes. */
function RunSummary({ run, error, onRetry, canCancel, collectionId }: RunSummaryProps) {
  const cancel = useCancelJob();
  if (!run) {
    if (error) return <ErrorState error={error} what="the last run" onRetry={onRetry} />;
    return (
      <section className="run" aria-label="Run progress">
        <p className="run-line">
          <Spinner size="sm" /> Loading the last run…
        </p>
      </section>
    );
  }
  const { job, items } = run;
  const finished = isFinished(job.status);
  const ready = items.filter((item) => item.status === 'succeeded');
  const failed = items.filter((item) => item.status === 'failed' || item.status === 'canceled');
  const charged = ready.reduce((sum, item) => sum + item.credits, 0);
  const returned = failed.reduce((sum, item) => sum + item.credits, 0);
  const products = new Set(items.map((item) => item.product_id)).size;
  const done = [...productRuns(items).values()].filter((p) => p.status !== 'queued' && p.status !== 'running').length;

  let line: string;
  if (!finished) {
    if (job.status === 'queued' && ready.length === 0) line = `Waiting to start ${plural(items.length, 'image')} of ${plural(products, 'product')}…`;
    else line = `${done} of ${plural(products, 'product')} done · ${ready.length} of ${plural(items.length, 'image')} ready${failed.length ? `, ${failed.length} failed` : ''}…`;
  } else if (job.status === 'canceled') {
    line = `Stopped. ${plural(ready.length, 'image')} made${ready.length ? ` (${creditsLabel(charged)} used)` : ''}; the rest were not charged.`;
  } else if (ready.length === 0) {
    line = 'No image could be made. Nothing was charged.';
  } else {
    line = `${plural(ready.length, 'image')} delivered · ${creditsLabel(charged)} used`;
    if (failed.length) line += ` · ${failed.length} failed, ${creditsLabel(returned)} returned`;
  }
  return (
    <section className="run" aria-label="Run progress">
      <div className="run-head">
        <p className="run-line" aria-live="polite">
          {!finished && <Spinner size="sm" />}
          {line}
        </p>
        {!finished && canCancel && (
          <Button size="sm" variant="ghost" loading={cancel.isPending} onClick={() => cancel.mutate({ path: { job_id: job.id } })}>
            Stop
          </Button>
        )}
      </div>
      {finished && job.status === 'failed' && job.error && ready.length === 0 && <p className="run-error">{job.error.message}</p>}
      {cancel.isError && <p className="form-error">{`Couldn't stop: ${parseError(cancel.error).message}`}</p>}
      <p className="run-hint">
        {finished ? (
          ready.length > 0 && <Link to={`/assets?collection=${collectionId}`}>Review them in Assets</Link>
        ) : (
          'You can leave this page: the images keep coming and wait in your assets.'
        )}
      </p>
    </section>
  );
}
