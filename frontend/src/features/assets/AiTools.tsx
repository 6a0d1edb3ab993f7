import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

import type { CostTableOut, EditOptionsOut } from '@/client/types.gen';
import { Button, Field, FormError, Spinner, Textarea } from '@/components/ui';
import { creditsLabel, invalidateCredits, useCreditBalance } from '@/features/credits/hooks';
import { isFinished, useJob } from '@/features/stores/hooks';
import { ChoiceGroup } from '@/features/studio/ChoiceGroup';
import { CostLine, OutOfCreditsPrompt } from '@/features/studio/CostLine';
import { useCreditCosts } from '@/features/studio/hooks';
import { parseError } from '@/lib/problem';

import { type Asset, invalidateAssets } from './hooks';
import { type EditOperation, useEditAsset } from './mutations';

import '@/features/studio/studio.css';

type AiOperation = Extract<EditOperation, 'ai_edit' | 'upscale' | 'remove_background'>;

const OPERATIONS: { value: AiOperation; label: string; detail: string }[] = [
  { value: 'ai_edit', label: 'Edit by instruction', detail: 'Say what to change' },
  { value: 'upscale', label: 'Upscale', detail: 'To 2K or 4K, sharpened' },
  { value: 'remove_background', label: 'Remove background', detail: 'A transparent PNG' },
];

const LONG_SIDE: Record<string, number> = { '2k': 2048, '4k': 4096 };
const MAX_INSTRUCTION = 500;

/** Credits an AI operation costs in the published cost table (its cost operation, at this quality); null if unpriced. */
export function aiCredits(costs: CostTableOut | undefined, options: EditOptionsOut | undefined, operation: AiOperation, quality: string): number | null {
  const costOperation = options?.operations.find((item) => item.name === operation)?.cost_operation;
  if (!costOperation || !costs) return null;
  const rates = costs.rates.filter((rate) => rate.operation === costOperation);
  const rate = rates.find((r) => r.parameter === 'quality' && r.variant === quality) ?? rates.find((r) => !r.parameter);
  return rate ? rate.credits : null;
}

/** Why the result cannot be had (before asking), or null. */
function refusal(asset: Asset, operation: AiOperation, quality: string, instruction: string): string | null {
  if (operation === 'upscale' && Math.max(asset.width, asset.height) >= LONG_SIDE[quality])
    return `The image is already ${Math.max(asset.width, asset.height)} px on its long side: upscaling to ${quality.toUpperCase()} would not make it larger.`;
  if (operation === 'ai_edit' && instruction.trim().length === 0) return 'Say what to change.';
  return null;
}

interface AiToolsProps {
  asset: Asset;
  options: EditOptionsOut | undefined;
  /** The job delivered its image: the editor goes on from it. */
  onDelivered: (assetId: string) => void;
}

/**
 * The paid operations: the cost is said before, the job is followed while it runs (it keeps running if the editor is
 * closed), and a failure says why and that nothing was charged.
 */
export function AiTools({ asset, options, onDelivered }: AiToolsProps) {
  const [operation, setOperation] = useState<AiOperation>('ai_edit');
  const [instruction, setInstruction] = useState('');
  const [quality, setQuality] = useState(Math.max(asset.width, asset.height) >= 2048 ? '4k' : '2k');
  const [jobId, setJobId] = useState<string | null>(null);
  const [tried, setTried] = useState(false);
  const costs = useCreditCosts();
  const balance = useCreditBalance();
  const edit = useEditAsset();
  const job = useJob(jobId);
  const credits = aiCredits(costs.data, options, operation, quality);
  const problem = refusal(asset, operation, quality, instruction);
  const error = edit.isError ? parseError(edit.error) : null;
  const running = jobId !== null && !isFinished(job.data?.status);
  const delivered = job.data?.status === 'succeeded' && typeof job.data.result?.asset_id === 'string' ? job.data.result.asset_id : null;

  const queryClient = useQueryClient();
  const finished = jobId !== null && isFinished(job.data?.status);
  useEffect(() => {
    // Credits were captured or released, and a revision may have landed.
    if (finished) void Promise.all([invalidateCredits(queryClient), invalidateAssets(queryClient)]);
  }, [finished, queryClient]);
  useEffect(() => {
    if (delivered) onDelivered(delivered);
  }, [delivered, onDelivered]);

  const run = () => {
    setTried(true);
    if (problem) return;
    const params = operation === 'ai_edit' ? { instruction: instruction.trim() } : operation === 'upscale' ? { quality } : {};
    edit.mutate(
      { assetId: asset.id, body: { operation, params } },
      { onSuccess: (result) => result.kind === 'job' && setJobId(result.job.job.id) },
    );
  };

  return (
    <div className="editor-controls ai-tools">
      <ChoiceGroup
        legend="AI operation"
        name="ai-operation"
        variant="cards"
        value={operation}
        onChange={(value) => setOperation(value as AiOperation)}
        disabled={running}
        choices={OPERATIONS.map((item) => {
          const price = aiCredits(costs.data, options, item.value, quality);
          return { value: item.value, label: item.label, detail: `${item.detail}${price !== null ? ` · ${creditsLabel(price)}` : ''}` };
        })}
      />
      {operation === 'ai_edit' && (
        <Field
          label="What to change"
          error={tried && problem ? problem : (error?.fieldErrors['params.instruction'] ?? null)}
          hint={`${instruction.length} / ${MAX_INSTRUCTION} · e.g. "make the light warmer" or "brighten the background"`}
        >
          {(control) => <Textarea {...control} rows={3} maxLength={MAX_INSTRUCTION} value={instruction} disabled={running} onChange={(event) => setInstruction(event.target.value)} />}
        </Field>
      )}
      {operation === 'upscale' && (
        <ChoiceGroup
          legend="Size"
          name="upscale-quality"
          value={quality}
          onChange={setQuality}
          disabled={running}
          choices={['2k', '4k'].map((value) => {
            const small = Math.max(asset.width, asset.height) >= LONG_SIDE[value];
            return { value, label: value.toUpperCase(), detail: `${LONG_SIDE[value].toLocaleString()} px`, disabled: small, reason: small ? 'Already this large' : undefined };
          })}
        />
      )}
      {operation === 'upscale' && tried && problem && <FormError message={problem} />}
      <CostLine credits={credits} balance={balance.data} pricing={costs.isPending ? 'loading' : costs.isError ? 'error' : 'ready'} />
      {error?.status === 402 ? <OutOfCreditsPrompt error={error} /> : <FormError message={error && !error.fieldErrors['params.instruction'] ? error.message : null} />}
      <div className="button-row">
        <Button variant="primary" onClick={run} loading={edit.isPending} disabled={running}>
          {OPERATIONS.find((item) => item.value === operation)?.label}
          {credits !== null ? ` · ${creditsLabel(credits)}` : ''}
        </Button>
      </div>
      {jobId && <AiJobStatus jobId={jobId} status={job.data?.status} error={job.data?.error?.message ?? null} credits={credits} />}
    </div>
  );
}

function AiJobStatus({ status, error, credits }: { jobId: string; status: string | undefined; error: string | null; credits: number | null }) {
  if (status === 'succeeded')
    return (
      <p className="ai-status ai-status--done" role="status">
        Done{credits !== null ? ` · ${creditsLabel(credits)} used` : ''}. The result is a new revision; the original is unchanged.
      </p>
    );
  if (status === 'failed' || status === 'canceled')
    return (
      <p className="ai-status ai-status--failed" role="alert">
        {error ?? 'The edit could not be made.'} Nothing was charged: the held credits were released.
      </p>
    );
  return (
    <div className="ai-status" role="status">
      <div className="progress progress--running" aria-hidden="true">
        <div className="progress-bar" />
      </div>
      <p>
        <Spinner size="sm" /> {status === 'running' ? 'Working on it…' : 'Waiting to start…'} You can close the editor: the result lands in your assets.
      </p>
    </div>
  );
}
