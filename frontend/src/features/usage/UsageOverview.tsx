import { type ReactNode, useState } from 'react';
import { Link, useSearchParams } from 'react-router';

import { ChartIcon } from '@/components/icons';
import { buttonClass, Card, EmptyState, ErrorState, LoadingBlock, SelectField, Table, TextField } from '@/components/ui';
import { useCreditCosts } from '@/features/billing/hooks';
import { costLines } from '@/features/billing/plans';
import { creditsLabel, formatCredits } from '@/features/credits/hooks';
import { formatDate } from '@/lib/format';

import { BarList, ChartCard, type RankedRow, RankedTable, type Stack, type StackedBar, StackedBarChart, StackedBarTable } from './charts';
import { BurnSummary } from './BurnSummary';
import { formatPercent, formatRate, operationColor, type UsagePoint, type UsageQuery, type UsageSummary, useUsageSummary } from './hooks';
import {
  checkRange,
  formatDay,
  GROUP_LABELS,
  type GroupBy,
  localToday,
  type Period,
  periodLabel,
  PRESETS,
  type PresetKey,
  readPeriod,
} from './period';

const OTHER_KEY = 'other';
const TOP_ROWS = 8;

/** The period, kept in the URL so a view can be shared and survives a reload. */
function usePeriod(): [Period, (changes: Record<string, string | null>) => void] {
  const [params, setParams] = useSearchParams();
  const period = readPeriod(params, localToday());
  const update = (changes: Record<string, string | null>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(changes)) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        return next;
      },
      { replace: true },
    );
  return [period, update];
}

function PeriodPicker({ period, update }: { period: Period; update: (changes: Record<string, string | null>) => void }) {
  // Typing a date goes through invalid states ("2026-0"): the URL only takes whole days.
  const [draft, setDraft] = useState({ from: period.from, to: period.to });
  const custom = period.preset === 'custom';
  const errors = custom ? period.errors : {};

  const pickPreset = (key: PresetKey) => {
    if (key === 'custom') {
      update({ period: 'custom', from: period.from, to: period.to, group: null });
      setDraft({ from: period.from, to: period.to });
    } else update({ period: key, from: null, to: null, group: null });
  };
  const setDay = (field: 'from' | 'to', value: string) => {
    const next = { ...draft, [field]: value };
    setDraft(next);
    update({ period: 'custom', from: next.from || null, to: next.to || null, group: null });
  };

  return (
    <div className="usage-period" role="group" aria-label="Usage period">
      <SelectField label="Period" className="usage-period-field" value={period.preset} onChange={(event) => pickPreset(event.target.value as PresetKey)}>
        {PRESETS.map((preset) => (
          <option key={preset.key} value={preset.key}>
            {preset.label}
          </option>
        ))}
        <option value="custom">Custom range</option>
      </SelectField>
      <TextField
        label="From"
        type="date"
        className="usage-period-field"
        value={custom ? draft.from : period.from}
        max={custom ? draft.to || undefined : period.to}
        error={errors.from}
        onChange={(event) => setDay('from', event.target.value)}
      />
      <TextField
        label="To"
        type="date"
        className="usage-period-field"
        value={custom ? draft.to : period.to}
        min={custom ? draft.from || undefined : period.from}
        error={errors.to}
        hint={custom && !errors.to ? 'Up to two years.' : undefined}
        onChange={(event) => setDay('to', event.target.value)}
      />
      <SelectField label="Group by" className="usage-period-field" value={period.groupBy} onChange={(event) => update({ group: event.target.value })}>
        {(Object.keys(GROUP_LABELS) as GroupBy[]).map((group) => (
          <option key={group} value={group}>
            {GROUP_LABELS[group]}
          </option>
        ))}
      </SelectField>
    </div>
  );
}

function Stat({ label, value, note }: { label: string; value: ReactNode; note?: ReactNode }) {
  return (
    <div className="credit-stat">
      <dt>{label}</dt>
      <dd className="credit-stat-value">{value}</dd>
      {note && <dd className="credit-stat-note">{note}</dd>}
    </div>
  );
}

function Totals({ summary }: { summary: UsageSummary }) {
  const { totals } = summary;
  return (
    <dl className="credit-stats usage-stats" aria-label="Totals for the period">
      <Stat
        label="Credits used"
        value={formatCredits(totals.net)}
        note={totals.refunded > 0 ? `${formatCredits(totals.captured)} charged, ${formatCredits(totals.refunded)} refunded` : 'charged for delivered work'}
      />
      <Stat
        label="Images delivered"
        value={formatCredits(totals.delivered_images)}
        note={`and ${formatCredits(totals.delivered_videos)} ${totals.delivered_videos === 1 ? 'video' : 'videos'}`}
      />
      <Stat
        label="Credits per asset"
        value={totals.average_credits_per_asset === null ? '—' : formatRate(totals.average_credits_per_asset)}
        note="on average, per delivered output"
      />
      <Stat
        label="Failure rate"
        value={formatPercent(totals.failure_rate)}
        note={totals.failed > 0 ? `${formatCredits(totals.failed)} failed, ${creditsLabel(totals.released)} returned` : 'no failed outputs'}
      />
    </dl>
  );
}

function stacksOf(series: readonly UsagePoint[]): Stack[] {
  const found = new Map<string, { label: string; total: number; key: string | null }>();
  for (const point of series)
    for (const part of point.parts) {
      const key = part.key ?? OTHER_KEY;
      const seen = found.get(key) ?? { label: part.label, total: 0, key: part.key };
      seen.total += part.net;
      found.set(key, seen);
    }
  return [...found.entries()]
    .sort(([, a], [, b]) => b.total - a.total || a.label.localeCompare(b.label))
    .map(([key, { label, key: raw }], index) => ({ key, label, color: operationColor(raw, index) }));
}

function barsOf(series: readonly UsagePoint[], groupBy: GroupBy): StackedBar[] {
  return series.map((point) => {
    const day = point.period_start ?? point.key ?? '';
    return {
      key: day,
      label: periodLabel(day, groupBy),
      shortLabel: periodLabel(day, groupBy, true),
      values: Object.fromEntries(point.parts.map((part) => [part.key ?? OTHER_KEY, part.net])),
    };
  });
}

function UsageChart({ summary, groupBy, state }: { summary: UsageSummary | undefined; groupBy: GroupBy; state: ReactNode }) {
  const title = `Credits used per ${groupBy}`;
  const stacks = summary ? stacksOf(summary.series) : [];
  const bars = summary ? barsOf(summary.series, groupBy) : [];
  return (
    <ChartCard
      title={title}
      description="By operation: what was charged for delivered images, videos and edits, net of refunds."
      state={state}
      chart={() => <StackedBarChart label={`${title} by operation`} bars={bars} stacks={stacks} />}
      table={() => <StackedBarTable caption={`${title} by operation`} bars={bars} stacks={stacks} periodHeading={GROUP_LABELS[groupBy]} />}
    />
  );
}

interface BreakdownProps {
  title: string;
  description: string;
  dimension: 'product' | 'member' | 'provider';
  heading: string;
  query: Omit<UsageQuery, 'group_by'>;
  enabled: boolean;
  color: string;
}

/** Who or what used the credits in the period: the top rows as bars, every row in the table. */
function Breakdown({ title, description, dimension, heading, query, enabled, color }: BreakdownProps) {
  const summary = useUsageSummary({ ...query, group_by: dimension }, { enabled });
  const rows: RankedRow[] = (summary.data?.series ?? [])
    .filter((point) => point.net !== 0 || point.delivered !== 0 || point.failed !== 0)
    .map((point) => ({
      key: point.key ?? `none-${point.label}`,
      label: point.label,
      value: point.net,
      detail: `${formatCredits(point.delivered)} delivered${point.failed > 0 ? `, ${formatCredits(point.failed)} failed` : ''}`,
    }));
  let state: ReactNode = null;
  if (!enabled) state = <p className="muted">Pick a valid period.</p>;
  else if (summary.isPending) state = <LoadingBlock label={`Loading ${title.toLowerCase()}`} />;
  else if (summary.isError)
    state = <ErrorState error={summary.error} what={title.toLowerCase()} onRetry={() => void summary.refetch()} retrying={summary.isFetching} />;
  else if (rows.length === 0) state = <p className="muted chart-empty">Nothing used in this period.</p>;
  const more = rows.length - TOP_ROWS;
  return (
    <ChartCard
      title={title}
      description={description}
      state={state}
      chart={() => (
        <>
          <BarList label={title} rows={rows.slice(0, TOP_ROWS)} color={color} />
          {more > 0 && <p className="muted bar-list-more">and {formatCredits(more)} more in the table</p>}
        </>
      )}
      table={() => <RankedTable caption={title} heading={heading} rows={rows} />}
    />
  );
}

function CostsCard() {
  const costs = useCreditCosts();
  let body;
  if (costs.isPending) body = <LoadingBlock label="Loading the cost table" />;
  else if (costs.isError) body = <ErrorState error={costs.error} what="the cost table" onRetry={() => void costs.refetch()} retrying={costs.isFetching} />;
  else {
    // One line per price, variants that cost the same merged ("1k or 2k"), as on the pricing page.
    const { paid, free } = costLines(costs.data.rates);
    body = (
      <>
        <Table
          caption="Credit costs"
          head={
            <tr>
              <th scope="col">Action</th>
              <th scope="col">Setting</th>
              <th scope="col" className="cell-number">
                Credits
              </th>
            </tr>
          }
        >
          {paid.map((line) => (
            <tr key={`${line.operation}-${line.variant ?? ''}`}>
              <th scope="row" className="table-row-heading">
                {line.label}
              </th>
              <td>{line.variant ?? <span className="muted">any</span>}</td>
              <td className="cell-number">
                {creditsLabel(line.credits)} <span className="muted">per {line.unit}</span>
              </td>
            </tr>
          ))}
        </Table>
        {free.length > 0 && (
          <p className="usage-free">
            <strong>Free:</strong> {free.join(', ')}.
          </p>
        )}
      </>
    );
  }
  return (
    <Card
      title="What each action costs"
      description={
        costs.data
          ? `Version ${costs.data.version}, in effect since ${formatDate(costs.data.published_at)}. Credits are held when a job starts and charged only for what is delivered.`
          : 'The current cost table.'
      }
    >
      {body}
    </Card>
  );
}

/** The usage page: a period, totals, burn rate, credits per day by operation, top products, members and
 * providers, and the cost table. */
export function UsageOverview() {
  const [period, update] = usePeriod();
  const valid = Object.keys(checkRange(period.from, period.to)).length === 0;
  const range = { from: period.from, to: period.to };
  const main = useUsageSummary({ ...range, group_by: period.groupBy, split_by: 'operation' }, { enabled: valid });
  const summary = main.data;
  const empty = summary && summary.totals.net === 0 && summary.totals.released === 0 && summary.totals.failed === 0;

  let state: ReactNode = null;
  if (!valid) state = <p className="muted">Pick a valid period above to see the chart.</p>;
  else if (main.isPending) state = <LoadingBlock label="Loading usage" />;
  else if (main.isError)
    state = <ErrorState error={main.error} what="usage" onRetry={() => void main.refetch()} retrying={main.isFetching} />;
  else if (empty)
    state = (
      <EmptyState
        icon={<ChartIcon />}
        title="No credits used in this period"
        description={`Nothing was charged between ${formatDay(period.from)} and ${formatDay(period.to)}. Credits are charged per delivered image or video.`}
        action={
          <Link to="/studio" className={buttonClass('primary')}>
            Open the Studio
          </Link>
        }
      />
    );

  return (
    <div className="stack stack--lg">
      <Card>
        <PeriodPicker key={period.preset} period={period} update={update} />
        {summary && (
          <p className="usage-zone muted">
            Days run midnight to midnight in {summary.time_zone}.{' '}
            <Link to="/settings/notifications">Change the time zone</Link>
          </p>
        )}
      </Card>
      {summary && !main.isError && valid && (
        <Card title="Totals" description={`${formatDay(summary.from)} to ${formatDay(summary.to)}`} className={main.isFetching ? 'is-refreshing' : undefined}>
          <Totals summary={summary} />
          <BurnSummary burn={summary.burn} />
        </Card>
      )}
      <UsageChart summary={summary} groupBy={period.groupBy} state={state} />
      <div className="grid grid--3">
        <Breakdown
          title="Top products"
          description="Credits used for each product's images and videos."
          dimension="product"
          heading="Product"
          query={range}
          enabled={valid}
          color={operationColor('image')}
        />
        <Breakdown
          title="By member"
          description="Who started the work (API keys and automations apart)."
          dimension="member"
          heading="Member"
          query={range}
          enabled={valid}
          color={operationColor('video')}
        />
        <Breakdown
          title="By provider"
          description="Which AI provider made the outputs."
          dimension="provider"
          heading="Provider"
          query={range}
          enabled={valid}
          color={operationColor('edit')}
        />
      </div>
      <CostsCard />
      <p className="muted">
        Every grant, charge and refund, with filters and a CSV download, is in the{' '}
        <Link to={`/usage/credits?from=${period.from}&to=${period.to}`}>credit history</Link>.
      </p>
    </div>
  );
}
