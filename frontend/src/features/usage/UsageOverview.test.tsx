import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { json, makeMe, mockApi, problem } from '@/test/api';
import { balance, noNotifications } from '@/test/credits';
import { renderApp } from '@/test/render';

import { dimensionPoint, usagePoint, usageSummary } from './fixtures';
import { addDays, localToday } from './period';

const costs = {
  version: 3,
  published_at: '2026-10-01T00:00:00Z',
  rates: [
    { operation: 'image', parameter: 'quality', variant: '4k', credits: 2, unit: 'image' },
    { operation: 'video', parameter: null, variant: null, credits: 5, unit: 'clip' },
    { operation: 'crop', parameter: null, variant: null, credits: 0, unit: 'edit' },
  ],
};

const days = usageSummary({
  split_by: 'operation',
  series: [
    usagePoint('2026-11-01', [
      ['image', 'Images', 2],
      ['video', 'Videos', 5],
    ]),
    usagePoint('2026-11-02'),
    usagePoint('2026-11-03', [['image', 'Images', 3]]),
  ],
});

function base(summary: (request: Request) => Response) {
  return {
    'GET /api/v1/me': () => json(makeMe()),
    'GET /api/v1/credits/balance': () => json(balance()),
    'GET /api/v1/notifications': () => json(noNotifications),
    'GET /api/v1/credits/costs': () => json(costs),
    'GET /api/v1/usage/summary': summary,
  };
}

function byGroup(request: Request) {
  const group = new URL(request.url).searchParams.get('group_by');
  if (group === 'product')
    return json(usageSummary({ group_by: 'product', series: [dimensionPoint('p-1', 'Oak armchair', 8), dimensionPoint(null, 'No product', 2)] }));
  if (group === 'member') return json(usageSummary({ group_by: 'member', series: [dimensionPoint('u-1', 'Ada Lovelace <ada@example.com>', 10)] }));
  if (group === 'provider') return json(usageSummary({ group_by: 'provider', series: [dimensionPoint('local', 'local', 10)] }));
  return json(days);
}

describe('Usage page', () => {
  it('charts credits per day by operation, with the same numbers as a table, breakdowns and the cost table', async () => {
    const { calls } = mockApi(base(byGroup));
    const { user } = renderApp('/usage');

    const chart = await screen.findByRole('img', { name: /^Credits used per day by operation: 10 credits in total; the most, 7, on / }, { timeout: 5000 });
    expect(chart.querySelectorAll('rect[data-stack="image"]')).toHaveLength(2);
    expect(chart.querySelectorAll('rect[data-stack="video"]')).toHaveLength(1);
    const legend = screen.getByRole('list', { name: 'Legend' });
    expect(within(legend).getAllByRole('listitem').map((item) => item.textContent)).toEqual(['Images', 'Videos']);

    // The period asked for: the last 30 days up to today (the browser's), per day, split by operation.
    const main = calls.map((request) => new URL(request.url)).find((url) => url.pathname.endsWith('/usage/summary') && url.searchParams.get('split_by'));
    expect(main?.searchParams.get('group_by')).toBe('day');
    expect(main?.searchParams.get('split_by')).toBe('operation');
    expect(main?.searchParams.get('to')).toBe(localToday());
    expect(main?.searchParams.get('from')).toBe(addDays(localToday(), -29));

    const stats = screen.getByLabelText('Totals for the period');
    expect(within(stats).getByText('Credits used').nextElementSibling).toHaveTextContent('10');
    expect(screen.getByText(/0.5 credits a day/)).toBeInTheDocument();
    expect(screen.getByText(/last 84 days, until about/)).toBeInTheDocument();
    expect(screen.getByText(/Days run midnight to midnight in Europe\/Berlin/)).toBeInTheDocument();

    await user.click(within(screen.getByRole('group', { name: 'Show credits used per day as' })).getByRole('button', { name: 'Table' }));
    const table = screen.getByRole('table', { name: 'Credits used per day by operation' });
    const rows = within(table).getAllByRole('row');
    expect(rows[0]).toHaveTextContent(/Day\s*Images\s*Videos\s*Total/);
    expect(within(rows[1]).getAllByRole('cell').map((cell) => cell.textContent)).toEqual(['2', '5', '7']);
    expect(within(rows[2]).getAllByRole('cell').map((cell) => cell.textContent)).toEqual(['0', '0', '0']);
    expect(screen.queryByRole('img', { name: /Credits used per day by operation/ })).not.toBeInTheDocument();

    const products = await screen.findByRole('list', { name: 'Top products' });
    expect(within(products).getAllByRole('listitem')[0]).toHaveTextContent('Oak armchair8');
    expect(within(screen.getByRole('list', { name: 'By member' })).getByText('Ada Lovelace <ada@example.com>')).toBeInTheDocument();
    await user.click(within(screen.getByRole('group', { name: 'Show top products as' })).getByRole('button', { name: 'Table' }));
    const productRows = within(screen.getByRole('table', { name: 'Top products' })).getAllByRole('row');
    expect(productRows[1]).toHaveTextContent('Oak armchair');
    expect(productRows[1]).toHaveTextContent('80%');

    const costTable = await screen.findByRole('table', { name: 'Credit costs' });
    expect(within(costTable).getByRole('row', { name: /Lifestyle image/ })).toHaveTextContent('4k2 credits per image');
    expect(within(costTable).getByRole('row', { name: /Video clip/ })).toHaveTextContent('any5 credits per clip');
    expect(screen.getByText('Free:').parentElement).toHaveTextContent('Free: crop.');
    expect(screen.getByRole('link', { name: 'credit history' })).toHaveAttribute('href', `/usage/credits?from=${addDays(localToday(), -29)}&to=${localToday()}`);
  }, 20_000);

  it('refuses an inverted or over-long custom range without asking the API, and groups long ranges by month', async () => {
    const { calls } = mockApi(base(byGroup));
    renderApp('/usage?period=custom&from=2026-03-10&to=2026-03-01');

    const to = await screen.findByLabelText('To');
    expect(to).toHaveAccessibleDescription('The last day must be on or after the first day.');
    expect(screen.getByText('Pick a valid period above to see the chart.')).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2023-01-01' } });
    fireEvent.change(to, { target: { value: '2026-01-02' } });
    expect(screen.getByLabelText('To')).toHaveAccessibleDescription('Pick at most two years (731 days).');
    expect(calls.some((request) => request.url.includes('/usage/summary'))).toBe(false);

    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2024-01-03' } });
    await waitFor(() => expect(calls.some((request) => request.url.includes('from=2024-01-03'))).toBe(true));
    const asked = new URL(calls.find((request) => request.url.includes('split_by'))?.url ?? '');
    expect(asked.searchParams.get('to')).toBe('2026-01-02');
    expect(asked.searchParams.get('group_by')).toBe('month');
    expect(screen.getByLabelText('Group by')).toHaveDisplayValue('Month');
  }, 20_000);

  it('says when nothing was used in the period, and that there is no run-out date', async () => {
    mockApi(base(() => json(usageSummary({ series: [usagePoint('2026-11-01')], burn: { window_days: 14, credits_per_day: 0, available: 10, days_left: null, runs_out_on: null } }))));
    renderApp('/usage?period=7d');
    expect(await screen.findByText('No credits used in this period')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Open the Studio' })).toHaveAttribute('href', '/studio');
    expect(screen.getByText('No credits used in the last 14 days, so there is no run-out date.')).toBeInTheDocument();
    expect(screen.getByLabelText('Period')).toHaveDisplayValue('Last 7 days');
  }, 15_000);

  it('shows what went wrong, with a retry', async () => {
    mockApi(base(() => problem(500)));
    renderApp('/usage');
    // Server errors are retried twice before the page gives up.
    const title = await screen.findByText("Couldn't load usage", {}, { timeout: 10_000 });
    const alert = title.closest<HTMLElement>('[role="alert"]');
    expect(alert).not.toBeNull();
    expect(within(alert as HTMLElement).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  }, 20_000);
});
