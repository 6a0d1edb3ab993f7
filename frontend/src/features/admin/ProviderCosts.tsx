import { type ReactNode, useState } from 'react';
import { useSearchParams } from 'react-router';

import { Badge, Card, EmptyState, ErrorState, LoadingBlock, Table, TextField } from '@/components/ui';
import { formatCredits } from '@/features/credits/hooks';
import { formatPercent } from '@/features/usage/hooks';
import { addDays, checkRange, formatDay } from '@/features/usage/period';

import { formatMicros, useAdminProviderCosts } from './hooks';
import { JOB_KIND_LABELS } from './labels';

function utcToday(): string {
  return new Date().toISOString().slice(0, 10);
}

function operationName(kind: string): string {
  return (JOB_KIND_LABELS as Record<string, string>)[kind] ?? (kind || 'No job');
}

/** Platform admins: provider spend by provider, model, operation and day beside the credits captured for the same
 * work, with the gross margin per operation. Days are UTC. */
export function ProviderCosts() {
  const [params, setParams] = useSearchParams();
  const today = utcToday();
  const [draft, setDraft] = useState({ from: params.get('from') ?? addDays(today, -29), to: params.get('to') ?? today });
  const errors = checkRange(draft.from, draft.to);
  const valid = Object.keys(errors).length === 0;
  const costs = useAdminProviderCosts(draft, valid);

  const setDay = (field: 'from' | 'to', value: string) => {
    const next = { ...draft, [field]: value };
    setDraft(next);
    if (Object.keys(checkRange(next.from, next.to)).length === 0) setParams({ from: next.from, to: next.to }, { replace: true });
  };

  let body: ReactNode;
  if (!valid) body = <p className="muted">Pick a valid range (at most two years).</p>;
  else if (costs.isPending) body = <LoadingBlock label="Loading provider costs" />;
  else if (costs.isError) body = <ErrorState error={costs.error} what="provider costs" onRetry={() => void costs.refetch()} retrying={costs.isFetching} />;
  else if (costs.data.rows.length === 0 && costs.data.margins.length === 0)
    body = <EmptyState title="No provider calls and no captured credits" description={`Nothing between ${formatDay(draft.from)} and ${formatDay(draft.to)}.`} />;
  else {
    const data = costs.data;
    const margin = data.total_revenue_micros - data.total_cost_micros;
    body = (
      <div className="stack stack--lg">
        <dl className="credit-stats">
          <div className="credit-stat">
            <dt>Provider spend</dt>
            <dd className="credit-stat-value">{formatMicros(data.total_cost_micros)}</dd>
          </div>
          <div className="credit-stat">
            <dt>Credits captured, valued</dt>
            <dd className="credit-stat-value">{formatMicros(data.total_revenue_micros)}</dd>
            <dd className="credit-stat-note">at {formatMicros(data.credit_value_micros)} a credit (cheapest pack)</dd>
          </div>
          <div className="credit-stat">
            <dt>Gross margin</dt>
            <dd className="credit-stat-value">{formatMicros(margin)}</dd>
            <dd className="credit-stat-note">{data.total_revenue_micros > 0 ? formatPercent(margin / data.total_revenue_micros) : 'no revenue'}</dd>
          </div>
        </dl>
        <section aria-label="Gross margin per operation">
          <h3 className="section-title">Per operation</h3>
          <Table
            caption="Gross margin per operation"
            head={
              <tr>
                <th scope="col">Operation</th>
                <th scope="col" className="cell-number">
                  Provider cost
                </th>
                <th scope="col" className="cell-number">
                  Credits captured
                </th>
                <th scope="col" className="cell-number">
                  Delivered
                </th>
                <th scope="col" className="cell-number">
                  Revenue
                </th>
                <th scope="col" className="cell-number">
                  Gross margin
                </th>
              </tr>
            }
          >
            {data.margins.map((row) => (
              <tr key={row.operation}>
                <th scope="row" className="table-row-heading">
                  {operationName(row.operation)}
                </th>
                <td className="cell-number">{formatMicros(row.provider_cost_micros)}</td>
                <td className="cell-number">{formatCredits(row.credits_captured)}</td>
                <td className="cell-number">{formatCredits(row.delivered)}</td>
                <td className="cell-number">{formatMicros(row.revenue_micros)}</td>
                <td className="cell-number">
                  <span className={row.gross_margin_micros < 0 ? 'amount-negative' : undefined}>{formatMicros(row.gross_margin_micros)}</span>
                  <div className="cell-secondary">{row.gross_margin_percent === null ? '—' : `${row.gross_margin_percent.toFixed(1)}%`}</div>
                </td>
              </tr>
            ))}
          </Table>
        </section>
        <section aria-label="Provider calls per day">
          <h3 className="section-title">Provider calls per day</h3>
          {data.rows.length === 0 ? (
            <p className="muted">No provider calls in this range.</p>
          ) : (
            <Table
              caption="Provider calls per day"
              head={
                <tr>
                  <th scope="col">Day (UTC)</th>
                  <th scope="col">Provider and model</th>
                  <th scope="col">Call</th>
                  <th scope="col" className="cell-number">
                    Calls
                  </th>
                  <th scope="col" className="cell-number">
                    Cost
                  </th>
                  <th scope="col" className="cell-number">
                    Average time
                  </th>
                </tr>
              }
            >
              {data.rows.map((row) => (
                <tr key={`${row.day}-${row.provider}-${row.model}-${row.operation}-${row.job_kind}`}>
                  <td className="cell-nowrap">{formatDay(row.day)}</td>
                  <td>
                    {row.provider}
                    <div className="cell-secondary">{row.model}</div>
                  </td>
                  <td>
                    {row.operation}
                    <div className="cell-secondary">for {operationName(row.job_kind).toLowerCase()}</div>
                  </td>
                  <td className="cell-number">
                    {formatCredits(row.calls)}
                    {row.failed_calls > 0 && (
                      <div>
                        <Badge tone="danger">{formatCredits(row.failed_calls)} failed</Badge>
                      </div>
                    )}
                  </td>
                  <td className="cell-number">{formatMicros(row.cost_micros)}</td>
                  <td className="cell-number">{(row.average_duration_ms / 1000).toFixed(1)} s</td>
                </tr>
              ))}
            </Table>
          )}
        </section>
      </div>
    );
  }

  return (
    <Card>
      <div className="admin-filters" role="group" aria-label="Days (UTC)">
        <TextField label="From (UTC)" type="date" className="admin-filter" value={draft.from} max={draft.to || undefined} error={errors.from} onChange={(event) => setDay('from', event.target.value)} />
        <TextField label="To (UTC)" type="date" className="admin-filter" value={draft.to} min={draft.from || undefined} error={errors.to} onChange={(event) => setDay('to', event.target.value)} />
      </div>
      {body}
    </Card>
  );
}
