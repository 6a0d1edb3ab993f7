/** Payloads shaped like GET /usage/summary, for the usage and dashboard tests. */

type Part = [key: string | null, label: string, net: number];

function amounts(net: number, delivered = 0, failed = 0, released = 0) {
  return { captured: net, refunded: 0, net, released, delivered, failed };
}

export function usagePoint(day: string, parts: Part[] = []) {
  const net = parts.reduce((sum, [, , value]) => sum + value, 0);
  return {
    key: day,
    label: day,
    period_start: day,
    ...amounts(net, net),
    parts: parts.map(([key, label, value]) => ({ key, label, ...amounts(value, value) })),
  };
}

export function dimensionPoint(key: string | null, label: string, net: number, delivered = net) {
  return { key, label, period_start: null, ...amounts(net, delivered), parts: [] };
}

export function burn(overrides: Record<string, unknown> = {}) {
  return { window_days: 14, credits_per_day: 0.5, available: 42, days_left: 84, runs_out_on: '2027-02-20', ...overrides };
}

export function usageSummary(overrides: Record<string, unknown> = {}) {
  const series = (overrides.series as { net: number; delivered: number; failed: number; released: number }[] | undefined) ?? [];
  const net = series.reduce((sum, point) => sum + point.net, 0);
  const delivered = series.reduce((sum, point) => sum + point.delivered, 0);
  return {
    from: '2026-11-01',
    to: '2026-11-30',
    time_zone: 'Europe/Berlin',
    group_by: 'day',
    split_by: null,
    series,
    totals: {
      ...amounts(net, delivered),
      delivered_images: delivered,
      delivered_videos: 0,
      failure_rate: delivered > 0 ? 0 : null,
      average_credits_per_asset: delivered > 0 ? net / delivered : null,
    },
    burn: burn(),
    ...overrides,
  };
}
