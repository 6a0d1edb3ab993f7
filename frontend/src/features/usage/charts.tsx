import { type ReactNode, useState } from 'react';

import { Card, Table } from '@/components/ui';
import { formatCredits } from '@/features/credits/hooks';
import { cx } from '@/lib/cx';

import { formatCompact, formatPercent } from './hooks';

type View = 'chart' | 'table';

interface ChartCardProps {
  title: string;
  description?: ReactNode;
  /** Loading, empty or error: shown instead of the chart and its table, without the toggle. */
  state?: ReactNode;
  chart: () => ReactNode;
  table: () => ReactNode;
  className?: string;
}

/** A card with a chart and the same numbers as a table, one click (or Enter) apart: every chart has both. */
export function ChartCard({ title, description, state, chart, table, className }: ChartCardProps) {
  const [view, setView] = useState<View>('chart');
  const toggle = !state && (
    <div className="segmented segmented--sm" role="group" aria-label={`Show ${title.toLowerCase()} as`}>
      {(['chart', 'table'] as const).map((option) => (
        <button
          key={option}
          type="button"
          className={cx('segmented-item', view === option && 'segmented-item--active')}
          aria-pressed={view === option}
          onClick={() => setView(option)}
        >
          {option === 'chart' ? 'Chart' : 'Table'}
        </button>
      ))}
    </div>
  );
  return (
    <Card title={title} description={description} actions={toggle} className={cx('chart-card', className)}>
      {state ?? (view === 'chart' ? chart() : table())}
    </Card>
  );
}

export interface Stack {
  key: string;
  label: string;
  color: string;
}

export interface StackedBar {
  key: string;
  /** For tooltips and the table ("3 Mar 2026"). */
  label: string;
  /** For the axis ("3 Mar"). */
  shortLabel: string;
  values: Record<string, number>;
}

const WIDTH = 720;
const HEIGHT = 260;
const MARGIN = { top: 12, right: 8, bottom: 28, left: 52 };
const MAX_AXIS_LABELS = 8;

/** A step of 1, 2, 2.5 or 5 times a power of ten giving about `count` whole-credit ticks up to `max`. */
export function niceTicks(max: number, count = 4): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  const step = Math.max(1, (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * magnitude);
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let value = 0; value <= top + step / 2; value += step) ticks.push(Math.round(value * 100) / 100);
  return ticks;
}

function barTotal(bar: StackedBar, stacks: readonly Stack[]): number {
  return stacks.reduce((sum, stack) => sum + Math.max(0, bar.values[stack.key] ?? 0), 0);
}

interface StackedBarChartProps {
  /** What the chart shows, e.g. "Credits used per day by operation"; its accessible name. */
  label: string;
  bars: readonly StackedBar[];
  stacks: readonly Stack[];
}

/**
 * Stacked bars in plain SVG: one bar per period, one segment per stack (bottom to top in `stacks` order), a
 * y axis with round numbers, at most eight period labels, and a tooltip per segment. Screen readers get a summary
 * (the total and the busiest period) as the image's name; the table view has every number.
 */
export function StackedBarChart({ label, bars, stacks }: StackedBarChartProps) {
  const totals = bars.map((bar) => barTotal(bar, stacks));
  const total = totals.reduce((sum, value) => sum + value, 0);
  const busiest = totals.reduce((best, value, index) => (value > (totals[best] ?? 0) ? index : best), 0);
  const ticks = niceTicks(Math.max(...totals, 0));
  const top = ticks[ticks.length - 1] ?? 1;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const band = plotWidth / Math.max(bars.length, 1);
  const barWidth = Math.max(1, Math.min(band * 0.72, 48));
  const y = (value: number) => MARGIN.top + plotHeight - (value / top) * plotHeight;
  const every = Math.ceil(bars.length / MAX_AXIS_LABELS);
  const summary =
    total > 0
      ? `${label}: ${formatCredits(total)} credits in total; the most, ${formatCredits(totals[busiest] ?? 0)}, on ${bars[busiest]?.label ?? ''}.`
      : `${label}: no credits used.`;

  return (
    <figure className="chart">
      <svg className="chart-svg" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary}>
        {ticks.map((tick) => (
          <g key={tick} className="chart-tick">
            <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(tick)} y2={y(tick)} className={tick === 0 ? 'chart-axis' : 'chart-grid'} />
            <text x={MARGIN.left - 8} y={y(tick)} dy="0.32em" textAnchor="end" className="chart-label">
              {formatCompact(tick)}
            </text>
          </g>
        ))}
        {bars.map((bar, index) => {
          const x = MARGIN.left + index * band + (band - barWidth) / 2;
          let base = 0;
          return (
            <g key={bar.key} data-period={bar.key}>
              {stacks.map((stack) => {
                const value = Math.max(0, bar.values[stack.key] ?? 0);
                if (value === 0) return null;
                const rect = (
                  <rect
                    key={stack.key}
                    x={x}
                    width={barWidth}
                    y={y(base + value)}
                    height={Math.max(0.5, y(base) - y(base + value))}
                    fill={stack.color}
                    data-stack={stack.key}
                  >
                    <title>{`${bar.label} · ${stack.label}: ${formatCredits(value)} ${value === 1 ? 'credit' : 'credits'}`}</title>
                  </rect>
                );
                base += value;
                return rect;
              })}
              {index % every === 0 && (
                <text x={x + barWidth / 2} y={HEIGHT - 8} textAnchor="middle" className="chart-label">
                  {bar.shortLabel}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <Legend stacks={stacks} />
    </figure>
  );
}

export function Legend({ stacks }: { stacks: readonly Stack[] }) {
  return (
    <ul className="chart-legend" aria-label="Legend">
      {stacks.map((stack) => (
        <li key={stack.key}>
          <span className="chart-swatch" style={{ background: stack.color }} aria-hidden="true" />
          {stack.label}
        </li>
      ))}
    </ul>
  );
}

/** The stacked chart's numbers: a row per period, a column per stack, and the total. */
export function StackedBarTable({ caption, bars, stacks, periodHeading }: { caption: string; bars: readonly StackedBar[]; stacks: readonly Stack[]; periodHeading: string }) {
  return (
    <Table
      caption={caption}
      head={
        <tr>
          <th scope="col">{periodHeading}</th>
          {stacks.map((stack) => (
            <th key={stack.key} scope="col" className="cell-number">
              {stack.label}
            </th>
          ))}
          <th scope="col" className="cell-number">
            Total
          </th>
        </tr>
      }
    >
      {bars.map((bar) => (
        <tr key={bar.key}>
          <th scope="row" className="cell-nowrap table-row-heading">
            {bar.label}
          </th>
          {stacks.map((stack) => (
            <td key={stack.key} className="cell-number">
              {formatCredits(bar.values[stack.key] ?? 0)}
            </td>
          ))}
          <td className="cell-number">
            <strong>{formatCredits(stacks.reduce((sum, stack) => sum + (bar.values[stack.key] ?? 0), 0))}</strong>
          </td>
        </tr>
      ))}
    </Table>
  );
}

export interface RankedRow {
  key: string;
  label: string;
  value: number;
  /** A second fact shown under the label, e.g. "12 delivered". */
  detail?: string;
}

/** Horizontal bars, largest first: who or what used the credits. The numbers are text, the bars decoration. */
export function BarList({ label, rows, color }: { label: string; rows: readonly RankedRow[]; color: string }) {
  const max = Math.max(...rows.map((row) => row.value), 1);
  return (
    <ol className="bar-list" aria-label={label}>
      {rows.map((row) => (
        <li key={row.key} className="bar-list-item">
          <div className="bar-list-text">
            <span className="bar-list-label" title={row.label}>
              {row.label}
            </span>
            <span className="bar-list-value">{formatCredits(row.value)}</span>
          </div>
          {row.detail && <div className="bar-list-detail">{row.detail}</div>}
          <div className="bar-list-track" aria-hidden="true">
            <div className="bar-list-fill" style={{ width: `${(Math.max(0, row.value) / max) * 100}%`, background: color }} />
          </div>
        </li>
      ))}
    </ol>
  );
}

export function RankedTable({ caption, heading, rows }: { caption: string; heading: string; rows: readonly RankedRow[] }) {
  const total = rows.reduce((sum, row) => sum + Math.max(0, row.value), 0);
  return (
    <Table
      caption={caption}
      head={
        <tr>
          <th scope="col">{heading}</th>
          <th scope="col" className="cell-number">
            Credits
          </th>
          <th scope="col" className="cell-number">
            Share
          </th>
        </tr>
      }
    >
      {rows.map((row) => (
        <tr key={row.key}>
          <th scope="row" className="table-row-heading">
            {row.label}
            {row.detail && <div className="cell-secondary">{row.detail}</div>}
          </th>
          <td className="cell-number">{formatCredits(row.value)}</td>
          <td className="cell-number">{total > 0 ? formatPercent(Math.max(0, row.value) / total) : '—'}</td>
        </tr>
      ))}
    </Table>
  );
}
