import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { json, makeMe, mockApi, problem } from '@/test/api';
import { renderApp } from '@/test/render';

import type { Category } from './hooks';
import { parsePrice } from './price';
import { initialValues, productBody, validate } from './ProductForm';
import { productFixture } from '@/test/products';

const seating: Category = {
  id: 'cat-1',
  name: 'Seating',
  slug: 'seating',
  description: '',
  parent_id: null,
  generation_settings: {},
  product_count: 0,
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-01T00:00:00Z',
};
const living: Category = { ...seating, id: 'cat-2', name: 'Living room', slug: 'living-room' };

const product = productFixture;

describe('product form values', () => {
  it('turns typed prices into minor units and keeps one primary category', () => {
    expect(parsePrice('1,299.5')).toBe(129950);
    expect(parsePrice('')).toBeNull();
    expect(parsePrice('12.345')).toBeNaN();
    const values = { ...initialValues(), name: ' Sofa ', price: '12', categories: { ids: ['a', 'b'], primary: 'b' } };
    expect(productBody(values)).toEqual({
      name: 'Sofa',
      sku: null,
      description: '',
      price_minor: 1200,
      currency: 'USD',
      category_ids: ['a', 'b'],
      primary_category_id: 'b',
    });
    expect(validate({ ...values, name: '', price: 'abc' })).toEqual({
      name: 'Give the product a name.',
      price_minor: 'Enter an amount like 1299.00.',
    });
  });
});

describe('product detail form', () => {
  it('saves the fields and categories, with the first ticked category as primary', async () => {
    let saved: Record<string, unknown> | null = null;
    mockApi({
      'GET /api/v1/me': () => json(makeMe()),
      'GET /api/v1/products/prod-1': () => json(product()),
      'GET /api/v1/categories': () => json({ items: [seating, living], next_cursor: null }),
      'PATCH /api/v1/products/prod-1': async (request) => {
        saved = (await request.json()) as Record<string, unknown>;
        return json(product({ name: saved.name }));
      },
    });
    const { user } = renderApp('/products/prod-1');
    const form = await screen.findByRole('form', { name: 'Product details' });
    await user.clear(within(form).getByLabelText('Name'));
    await user.type(within(form).getByLabelText('Name'), 'Green velvet sofa');
    await user.type(within(form).getByLabelText('Price'), '1299.00');
    await user.click(await within(form).findByRole('checkbox', { name: 'Living room' }));
    await user.click(within(form).getByRole('checkbox', { name: 'Seating' }));
    expect(within(form).getByRole('radio', { name: 'Primary category: Living room' })).toBeChecked();
    await user.click(within(form).getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(saved).not.toBeNull());
    expect(saved).toMatchObject({
      name: 'Green velvet sofa',
      price_minor: 129900,
      currency: 'USD',
      category_ids: ['cat-2', 'cat-1'],
      primary_category_id: 'cat-2',
    });
    expect(await screen.findByText('Saved.')).toBeInTheDocument();
  });

  it('shows server field errors next to their fields', async () => {
    mockApi({
      'GET /api/v1/me': () => json(makeMe()),
      'GET /api/v1/products/prod-1': () => json(product()),
      'GET /api/v1/categories': () => json({ items: [], next_cursor: null }),
      'PATCH /api/v1/products/prod-1': () =>
        problem(422, {
          errors: [
            { field: 'sku', message: 'String should have at most 100 characters', type: 'string_too_long' },
            { field: 'currency', message: 'Give a currency with the price.', type: 'value_error' },
          ],
        }),
    });
    const { user } = renderApp('/products/prod-1');
    const form = await screen.findByRole('form', { name: 'Product details' });
    await user.type(within(form).getByLabelText('SKU'), 'X');
    await user.click(within(form).getByRole('button', { name: 'Save changes' }));
    await waitFor(() =>
      expect(within(form).getByLabelText('SKU')).toHaveAccessibleDescription(
        expect.stringContaining('String should have at most 100 characters'),
      ),
    );
    expect(within(form).getByLabelText('Currency')).toHaveAccessibleDescription('Give a currency with the price.');
  });

  it('checks the name and price before sending anything', async () => {
    const { calls } = mockApi({
      'GET /api/v1/me': () => json(makeMe()),
      'GET /api/v1/products': () => json({ items: [], next_cursor: null }),
      'GET /api/v1/products/slots': () => json({ limit: 25, used: 0, remaining: 25 }),
      'GET /api/v1/categories': () => json({ items: [], next_cursor: null }),
    });
    const { user } = renderApp('/products');
    await user.click(await screen.findByRole('button', { name: 'New product' }));
    const dialog = screen.getByRole('dialog', { name: 'New product' });
    await user.type(within(dialog).getByLabelText('Price'), 'twelve');
    await user.click(within(dialog).getByRole('button', { name: 'Create product' }));
    expect(within(dialog).getByLabelText('Name')).toHaveAccessibleDescription('Give the product a name.');
    expect(within(dialog).getByLabelText('Price')).toHaveAccessibleDescription('Enter an amount like 1299.00.');
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
  });
});
