import { type CSSProperties, type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';

import { Alert, Button, Dialog, ErrorState, FormError, Input, LoadingBlock, Spinner } from '@/components/ui';
import { cx } from '@/lib/cx';
import { formatDateTime } from '@/lib/format';
import { formErrors } from '@/lib/problem';

import { AdjustControls } from './AdjustTool';
import { adjustmentModel, adjustParams, type Adjustments, adjustPixels, isIdentity, NO_ADJUSTMENTS } from './adjust';
import { AiTools } from './AiTools';
import { CropControls, CropOverlay } from './CropTool';
import { editLabel } from './describe';
import {
  aspectValue,
  type Box,
  cropProblem,
  flipBy,
  fullBox,
  type Orientation,
  orientationSteps,
  orientedSize,
  resizeResult,
  rotateBy,
  type Size,
  UPRIGHT,
} from './geometry';
import { type Asset, useAsset, useEditOptions, useRevisions } from './hooks';
import { CropIcon, FlipIcon, FlipVerticalIcon, ResizeIcon, RotateIcon, RotateLeftIcon, SlidersIcon } from './icons';
import { type EditResult, useEditAsset } from './mutations';
import { type PreviewSource, usePreviewImage } from './usePreviewImage';
import { SparklesIcon } from '@/components/icons';

type Tool = 'crop' | 'rotate' | 'resize' | 'adjust' | 'ai';

const TOOLS: { value: Tool; label: string; icon: ReactNode }[] = [
  { value: 'crop', label: 'Crop', icon: <CropIcon /> },
  { value: 'rotate', label: 'Rotate & flip', icon: <RotateIcon /> },
  { value: 'resize', label: 'Resize', icon: <ResizeIcon /> },
  { value: 'adjust', label: 'Adjust', icon: <SlidersIcon /> },
  { value: 'ai', label: 'AI', icon: <SparklesIcon /> },
];

const APPLY_LABELS: Record<Exclude<Tool, 'ai'>, string> = {
  crop: 'Apply crop',
  rotate: 'Apply rotation',
  resize: 'Apply resize',
  adjust: 'Apply adjustments',
};

/** Long sides offered as one-click resizes (only those smaller than the image). */
const RESIZE_PRESETS = [2048, 1536, 1024, 768, 512];

interface EditorDialogProps {
  /** The asset to edit; null when closed. */
  assetId: string | null;
  /** Closed, on the revision the editor ended on (the one it opened on when nothing was applied). */
  onClose: (lastAssetId: string) => void;
}

/**
 * The image editor: crop (free or by aspect preset), rotate and flip, resize and adjustments with a live preview
 * computed in the browser with the server's formulas, and the paid AI operations. Every Apply makes a new revision
 * on the server (the original is never changed) and the editor carries on from it.
 */
export function EditorDialog({ assetId, onClose }: EditorDialogProps) {
  if (!assetId) return null;
  return <Editor key={assetId} initialId={assetId} onClose={onClose} />;
}

function Editor({ initialId, onClose }: { initialId: string; onClose: (lastAssetId: string) => void }) {
  const [sourceId, setSourceId] = useState(initialId);
  const asset = useAsset(sourceId);
  const options = useEditOptions();
  const revisions = useRevisions(sourceId);
  const edit = useEditAsset();
  const [tool, setTool] = useState<Tool>('crop');
  const [crop, setCrop] = useState<{ box: Box; aspect: string | null } | null>(null);
  const [orientation, setOrientation] = useState<Orientation>(UPRIGHT);
  const [resize, setResize] = useState({ width: '', height: '', driver: 'width' as 'width' | 'height' });
  const [values, setValues] = useState<Adjustments>(NO_ADJUSTMENTS);
  const [showOriginal, setShowOriginal] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [applying, setApplying] = useState(false);

  const data = asset.data;
  const size: Size = data ? { width: data.width, height: data.height } : { width: 1, height: 1 };
  const source = usePreviewImage(data ? sourceId : null, data?.original_url, size.width, size.height);
  const model = useMemo(() => {
    try {
      return options.data ? adjustmentModel(options.data.adjustments) : null;
    } catch {
      return null;
    }
  }, [options.data]);

  const box = crop?.box ?? fullBox(size);
  const cropIssue = cropProblem(size, box);
  const resizeTarget = resizeResult(
    size,
    resize.driver === 'width' && resize.width ? Number(resize.width) : null,
    resize.driver === 'height' && resize.height ? Number(resize.height) : null,
  );
  const steps = orientationSteps(orientation);

  /** What Apply would send now, or why not. */
  let pending: { requests: { operation: 'crop' | 'rotate' | 'flip' | 'resize' | 'adjust'; params: Record<string, unknown> }[]; problem: string | null } = { requests: [], problem: null };
  if (tool === 'crop') {
    const whole = box.x === 0 && box.y === 0 && box.width === size.width && box.height === size.height;
    pending = { requests: whole ? [] : [{ operation: 'crop', params: { ...box } }], problem: cropIssue };
  } else if (tool === 'rotate') pending = { requests: steps, problem: null };
  else if (tool === 'resize') {
    const given = resize.driver === 'width' ? resize.width : resize.height;
    pending = given
      ? 'problem' in resizeTarget
        ? { requests: [], problem: resizeTarget.problem }
        : { requests: [{ operation: 'resize', params: { [resize.driver]: Number(given) } }], problem: null }
      : { requests: [], problem: null };
  } else if (tool === 'adjust') pending = { requests: isIdentity(values) ? [] : [{ operation: 'adjust', params: adjustParams(values) }], problem: null };

  const startOver = useCallback((next: Asset) => {
    setSourceId(next.id);
    setCrop(null);
    setOrientation(UPRIGHT);
    setResize({ width: '', height: '', driver: 'width' });
    setValues(NO_ADJUSTMENTS);
    setShowOriginal(false);
  }, []);

  const apply = async () => {
    if (!data || pending.problem || pending.requests.length === 0) return;
    setApplying(true);
    setSaved(null);
    try {
      let current: Asset = data;
      for (const request of pending.requests) {
        const result: EditResult = await edit.edit(current.id, request);
        if (result.kind !== 'revision') break;
        current = result.asset;
      }
      if (current.id !== data.id) {
        startOver(current);
        setSaved(`Saved as a new revision: ${editLabel(current.edit)}. The original is unchanged.`);
      }
    } catch {
      // Shown from the mutation's error below; whatever was saved before the failure stays saved.
    } finally {
      setApplying(false);
    }
  };

  const onDelivered = useCallback(
    (assetId: string) => {
      setSourceId(assetId);
      setSaved('The AI result is saved as a new revision. The original is unchanged.');
    },
    [],
  );

  const errors = formErrors(edit.error, ['params.x', 'params.y', 'params.width', 'params.height', 'params']);
  const problemText = edit.isError ? [...Object.values(errors.fields), errors.general].filter(Boolean).join(' ') : null;

  let body: ReactNode;
  if (asset.isPending) body = <LoadingBlock label="Loading the image" />;
  else if (asset.isError) body = <ErrorState error={asset.error} what="this image" onRetry={() => void asset.refetch()} retrying={asset.isFetching} />;
  else if (!data) body = null;
  else
    body = (
      <div className="editor">
        <div className="editor-main">
          <div className="segmented editor-tools" role="group" aria-label="Tool">
            {TOOLS.map((item) => (
              <button
                key={item.value}
                type="button"
                className={cx('segmented-item', tool === item.value && 'segmented-item--active')}
                aria-pressed={tool === item.value}
                onClick={() => {
                  setTool(item.value);
                  setShowOriginal(false);
                }}
              >
                {item.icon} {item.label}
              </button>
            ))}
          </div>
          <Stage
            asset={data}
            source={source}
            tool={tool}
            values={values}
            orientation={orientation}
            showOriginal={showOriginal}
            model={model}
            overlay={tool === 'crop' ? <CropOverlay box={box} size={size} ratio={crop?.aspect ? aspectValue(crop.aspect) : null} onChange={(next) => setCrop({ box: next, aspect: crop?.aspect ?? null })} /> : null}
          />
          <RevisionStrip current={sourceId} chain={revisions.data?.items} onPick={(revision) => startOver(revision)} />
        </div>
        <div className="editor-side">
          {tool === 'crop' && (
            <CropControls size={size} box={box} aspect={crop?.aspect ?? null} presets={options.data?.aspect_presets ?? []} problem={cropIssue} onChange={(next, aspect) => setCrop({ box: next, aspect })} />
          )}
          {tool === 'rotate' && (
            <div className="editor-controls">
              <div className="button-row" role="group" aria-label="Rotate and flip">
                <Button size="sm" onClick={() => setOrientation((o) => rotateBy(o, false))}>
                  <RotateLeftIcon /> Rotate left
                </Button>
                <Button size="sm" onClick={() => setOrientation((o) => rotateBy(o, true))}>
                  <RotateIcon /> Rotate right
                </Button>
                <Button size="sm" onClick={() => setOrientation((o) => flipBy(o, true))}>
                  <FlipIcon /> Flip horizontal
                </Button>
                <Button size="sm" onClick={() => setOrientation((o) => flipBy(o, false))}>
                  <FlipVerticalIcon /> Flip vertical
                </Button>
              </div>
              <p className="editor-note">
                {steps.length === 0
                  ? 'Turn or mirror the image; the preview shows the result.'
                  : `Result: ${orientedSize(size, orientation).width} × ${orientedSize(size, orientation).height}. Saved as ${steps.length === 1 ? 'one revision' : 'two revisions (a rotation, then a flip)'}.`}
              </p>
            </div>
          )}
          {tool === 'resize' && (
            <ResizeControls
              size={size}
              resize={resize}
              result={resizeTarget}
              onChange={setResize}
            />
          )}
          {tool === 'adjust' &&
            (model ? (
              <AdjustControls values={values} model={model} onChange={setValues} />
            ) : options.isPending ? (
              <LoadingBlock label="Loading the adjustments" />
            ) : (
              <Alert tone="warning">The adjustments could not be loaded. Reload the page to try again.</Alert>
            ))}
          {tool === 'ai' && <AiTools asset={data} options={options.data} onDelivered={onDelivered} />}
          {tool !== 'ai' && tool !== 'crop' && (
            <Button size="sm" variant="ghost" aria-pressed={showOriginal} onClick={() => setShowOriginal((on) => !on)} disabled={tool === 'resize'}>
              {showOriginal ? 'Showing the original' : 'Show the original'}
            </Button>
          )}
          {saved && (
            <p className="editor-saved" role="status">
              {saved}
            </p>
          )}
          <FormError message={problemText} />
          <p className="muted editor-note">Crop, rotate, resize and adjustments are free.</p>
        </div>
      </div>
    );

  return (
    <Dialog
      open
      title="Edit image"
      description={data ? `${data.width} × ${data.height} · ${editLabel(data.edit)}` : undefined}
      onClose={() => onClose(sourceId)}
      dismissible={!applying}
      footer={
        <>
          <Button onClick={() => onClose(sourceId)} disabled={applying}>
            Done
          </Button>
          {tool !== 'ai' && (
            <Button variant="primary" onClick={() => void apply()} loading={applying} disabled={!data || pending.requests.length === 0 || Boolean(pending.problem)}>
              {APPLY_LABELS[tool]}
            </Button>
          )}
        </>
      }
    >
      {body}
    </Dialog>
  );
}

interface StageProps {
  asset: Asset;
  source: PreviewSource;
  tool: Tool;
  values: Adjustments;
  orientation: Orientation;
  showOriginal: boolean;
  model: ReturnType<typeof adjustmentModel> | null;
  overlay: ReactNode;
}

/**
 * The live preview: the original's pixels drawn on a canvas, adjusted with the server's formulas (adjust.ts) or
 * turned as the rotation will turn them. `data-rendered` says what the canvas shows, once it is drawn.
 */
function Stage({ asset, source, tool, values, orientation, showOriginal, model, overlay }: StageProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [rendered, setRendered] = useState('');
  const adjusting = tool === 'adjust' && !showOriginal && model !== null;
  const turning = tool === 'rotate' && !showOriginal;
  const want = adjusting ? `adjust:${JSON.stringify(adjustParams(values))}` : turning ? `rotate:${orientation.rotate}:${orientation.flip}` : 'original';

  useEffect(() => {
    if (source.status !== 'ready' || !canvas.current) return;
    const target = canvas.current;
    // One draw per frame: a slider dragged fast redraws only with its latest value.
    const frame = requestAnimationFrame(() => {
      const context = target.getContext('2d');
      if (!context) return;
      if (turning) {
        const turned = orientedSize(source, orientation);
        target.width = turned.width;
        target.height = turned.height;
        context.translate(turned.width / 2, turned.height / 2);
        if (orientation.flip) context.scale(-1, 1);
        context.rotate((orientation.rotate * Math.PI) / 180);
        context.drawImage(source.image, -source.width / 2, -source.height / 2, source.width, source.height);
      } else {
        target.width = source.width;
        target.height = source.height;
        const pixels = adjusting && model ? adjustPixels(source.pixels.data, source.width, source.height, values, model) : source.pixels.data;
        context.putImageData(new ImageData(new Uint8ClampedArray(pixels), source.width, source.height), 0, 0);
      }
      setRendered(want);
    });
    return () => cancelAnimationFrame(frame);
  }, [source, values, orientation, adjusting, turning, model, want]);

  const shown = turning ? orientedSize(asset, orientation) : asset;
  const frameStyle = { '--ratio': shown.width / shown.height } as CSSProperties;
  return (
    <div className="editor-stage">
      <div className="editor-frame" style={frameStyle}>
        {source.status === 'ready' ? (
          <canvas ref={canvas} className="editor-canvas" role="img" aria-label="Live preview" data-rendered={rendered === want ? rendered : undefined} />
        ) : (
          <img
            className="editor-canvas"
            src={asset.preview_url}
            alt="Preview"
            style={turning ? { transform: `${orientation.flip ? 'scaleX(-1) ' : ''}rotate(${orientation.rotate}deg)` } : undefined}
          />
        )}
        {overlay}
      </div>
      {source.status === 'loading' && (
        <p className="editor-note">
          <Spinner size="sm" /> Preparing the live preview…
        </p>
      )}
      {tool === 'adjust' && (source.status === 'unreadable' || source.status === 'error') && (
        <p className="editor-note">The live preview is not available for this image; Apply shows the result.</p>
      )}
    </div>
  );
}

interface ResizeControlsProps {
  size: Size;
  resize: { width: string; height: string; driver: 'width' | 'height' };
  result: ReturnType<typeof resizeResult>;
  onChange: (resize: { width: string; height: string; driver: 'width' | 'height' }) => void;
}

/** Width or height (the other follows: the aspect is kept); only smaller, making it larger is Upscale. */
function ResizeControls({ size, resize, result, onChange }: ResizeControlsProps) {
  const computed = 'size' in result ? result.size : null;
  const shown = (side: 'width' | 'height') => (resize.driver === side ? resize[side] : computed ? String(computed[side]) : '');
  const long = Math.max(size.width, size.height);
  const presets = RESIZE_PRESETS.filter((side) => side < long);
  const given = resize.driver === 'width' ? resize.width : resize.height;
  return (
    <div className="editor-controls">
      <div className="editor-fields" role="group" aria-label="New size in pixels">
        <label className="editor-field">
          <span>Width</span>
          <Input type="number" inputMode="numeric" min={8} max={size.width} step={1} value={shown('width')} placeholder={String(size.width)} onChange={(event) => onChange({ width: event.target.value, height: '', driver: 'width' })} />
        </label>
        <label className="editor-field">
          <span>Height</span>
          <Input type="number" inputMode="numeric" min={8} max={size.height} step={1} value={shown('height')} placeholder={String(size.height)} onChange={(event) => onChange({ width: '', height: event.target.value, driver: 'height' })} />
        </label>
      </div>
      {presets.length > 0 && (
        <div className="button-row" role="group" aria-label="Long side">
          {presets.map((side) => (
            <Button key={side} size="sm" variant="ghost" onClick={() => onChange(size.width >= size.height ? { width: String(side), height: '', driver: 'width' } : { width: '', height: String(side), driver: 'height' })}>
              {side.toLocaleString()} px
            </Button>
          ))}
        </div>
      )}
      <p className={cx('editor-note', given && 'problem' in result && 'editor-note--problem')} role={given && 'problem' in result ? 'alert' : undefined}>
        {!given ? `Now ${size.width} × ${size.height}. The aspect ratio is kept; to make it larger, use Upscale.` : 'problem' in result ? result.problem : `Result: ${result.size.width} × ${result.size.height}.`}
      </p>
    </div>
  );
}

/** The revisions of this image, oldest first; picking one edits from it. */
function RevisionStrip({ current, chain, onPick }: { current: string; chain: Asset[] | undefined; onPick: (revision: Asset) => void }) {
  if (!chain || chain.length < 2) return null;
  return (
    <section className="editor-revisions" aria-label="Revisions">
      <ol className="editor-revision-list">
        {chain.map((revision, index) => (
          <li key={revision.id}>
            <button
              type="button"
              className={cx('editor-revision', revision.id === current && 'editor-revision--current')}
              aria-current={revision.id === current ? 'true' : undefined}
              onClick={() => onPick(revision)}
              disabled={Boolean(revision.deleted_at)}
              title={formatDateTime(revision.created_at)}
            >
              <img src={revision.preview_url} alt="" />
              <span>{index === 0 ? 'Original' : editLabel(revision.edit)}</span>
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
