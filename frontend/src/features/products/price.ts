/** Prices are integers in minor units (cents) on the wire; people type "1299.00" or "1,299". */

/** "12.5" → 1250; "" → null; anything that is not a plain amount → NaN. */
export function parsePrice(text: string): number | null {
  const cleaned = text.trim().replace(/[\s,]/g, '');
  if (cleaned === '') return null;
  if (!/^\d+(\.\d{0,2})?$/.test(cleaned)) return Number.NaN;
  const [whole = '0', fraction = ''] = cleaned.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

/** 129900 → "1299.00" (for an input). */
export function priceInput(minor: number | null | undefined): string {
  if (minor === null || minor === undefined) return '';
  return (minor / 100).toFixed(2);
}

/** 129900, "USD" → "$1,299.00". */
export function formatPrice(minor: number | null | undefined, currency: string | null | undefined): string {
  if (minor === null || minor === undefined) return '—';
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency || 'USD' }).format(minor / 100);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency ?? ''}`.trim();
  }
}

// Two-decimal currencies only: the inputs above assume cents.
export const CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'CHF', 'SEK', 'DKK', 'NOK', 'NZD'] as const;
